package io.gravix.rollup;

import io.gravix.rollup.columns.Slices;
import java.nio.charset.StandardCharsets;

/**
 * An open-addressing hash map from a 64-bit id fingerprint to the run that kept the id
 * (as an int slot the caller assigns), about 12 bytes per id at most 2/3 load. Only
 * grows; the seen-id index drops whole maps when they age out of the dedupe window.
 * Key 0 is reserved for "empty", so fingerprint 0 is stored as 1 (fingerprints are
 * only a pre-filter: a hit is always confirmed against the exact ids).
 */
final class FingerprintMap {
    static final int ABSENT = -1;

    private long[] keys;
    private int[] values;
    private int size;

    FingerprintMap() {
        keys = new long[1 << 10];
        values = new int[1 << 10];
    }

    int size() {
        return size;
    }

    /** The heap its arrays take: 12 bytes per slot, at most 2/3 of the slots used. */
    long memoryBytes() {
        return 12L * keys.length;
    }

    /** The slot stored for {@code fingerprint}, or {@link #ABSENT}. */
    int get(long fingerprint) {
        long key = fingerprint == 0 ? 1 : fingerprint;
        int mask = keys.length - 1;
        for (int i = spread(key) & mask; ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == key) {
                return values[i];
            }
            if (k == 0) {
                return ABSENT;
            }
        }
    }

    /** Stores {@code slot} for {@code fingerprint} unless it already has one; returns the slot now stored. */
    int putIfAbsent(long fingerprint, int slot) {
        long key = fingerprint == 0 ? 1 : fingerprint;
        if ((size + 1) * 3L > keys.length * 2L) {
            grow();
        }
        int mask = keys.length - 1;
        for (int i = spread(key) & mask; ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == key) {
                return values[i];
            }
            if (k == 0) {
                keys[i] = key;
                values[i] = slot;
                size++;
                return slot;
            }
        }
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new int[oldKeys.length * 2];
        int mask = keys.length - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            long key = oldKeys[j];
            if (key != 0) {
                int i = spread(key) & mask;
                while (keys[i] != 0) {
                    i = (i + 1) & mask;
                }
                keys[i] = key;
                values[i] = oldValues[j];
            }
        }
    }

    private static int spread(long key) {
        return (int) (key ^ (key >>> 32));
    }

    @Override
    public String toString() {
        return "FingerprintMap[size=" + size + ", capacity=" + keys.length + "]";
    }

    /**
     * A 64-bit fingerprint of a string's UTF-8 bytes: {@link Slices#fingerprint}, the one the
     * rollup computes on ids still in spool bytes.
     */
    static long fingerprint(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        return Slices.fingerprint(utf8, 0, utf8.length);
    }
}

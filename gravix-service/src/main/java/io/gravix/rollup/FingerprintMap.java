package io.gravix.rollup;

import io.gravix.rollup.columns.Slices;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An open-addressing hash map from a 64-bit id fingerprint to the run that kept the id
 * (as an int slot the caller assigns), about 12 bytes per id at most 2/3 load. Only
 * grows; the seen-id index drops whole maps when they age out of the dedupe window.
 * Key 0 is reserved for "empty", so fingerprint 0 is stored as 1 (fingerprints are
 * only a pre-filter: a hit is always confirmed against the exact ids).
 */
final class FingerprintMap {
    static final int ABSENT = -1;
    /**
     * Shards, chosen by a fingerprint's top bits, grow one at a time: growing one array of
     * all ids held the old and the doubled array at once (3× the map for a moment), which
     * ran a 512 MiB heap out of memory at ~6 million ids; a shard's growth needs 1/16 of it.
     */
    private static final int SHARD_BITS = 4;

    private final Shard[] shards = new Shard[1 << SHARD_BITS];

    FingerprintMap() {
        for (int i = 0; i < shards.length; i++) {
            shards[i] = new Shard();
        }
    }

    int size() {
        int n = 0;
        for (Shard shard : shards) {
            n += shard.size;
        }
        return n;
    }

    /** The heap its arrays take: 12 bytes per slot, at most 2/3 of the slots used. */
    long memoryBytes() {
        long n = 0;
        for (Shard shard : shards) {
            n += 12L * shard.keys.length;
        }
        return n;
    }

    /** The key a fingerprint is stored under: 0 marks an empty slot. */
    static long key(long fingerprint) {
        return fingerprint == 0 ? 1 : fingerprint;
    }

    /** The slot stored for {@code fingerprint}, or {@link #ABSENT}. */
    int get(long fingerprint) {
        long key = key(fingerprint);
        return shards[(int) (key >>> (64 - SHARD_BITS))].get(key);
    }

    /** Stores {@code slot} for {@code fingerprint} unless it already has one; returns the slot now stored. */
    int putIfAbsent(long fingerprint, int slot) {
        long key = key(fingerprint);
        return shards[(int) (key >>> (64 - SHARD_BITS))].putIfAbsent(key, slot);
    }

    /** Receives a map's keys with their slots. */
    interface EntrySink {
        void accept(long key, int slot) throws IOException;
    }

    /**
     * Passes every key with its slot to {@code sink} in unsigned key order. Shards are
     * chosen by the top bits, so shard order is key order and only one shard's keys are
     * copied and sorted at a time (within a shard all keys have the same sign bit, so
     * signed order is unsigned order).
     */
    void forEachInOrder(EntrySink sink) throws IOException {
        for (Shard shard : shards) {
            long[] sorted = new long[shard.size];
            int n = 0;
            for (long k : shard.keys) {
                if (k != 0) {
                    sorted[n++] = k;
                }
            }
            Arrays.sort(sorted);
            for (long k : sorted) {
                sink.accept(k, shard.get(k));
            }
        }
    }

    /** Open addressing, linear probing; key 0 = empty. */
    private static final class Shard {
        private long[] keys = new long[1 << 6];
        private int[] values = new int[1 << 6];
        private int size;

        int get(long key) {
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

        int putIfAbsent(long key, int slot) {
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
    }

    private static int spread(long key) {
        return (int) (key ^ (key >>> 32));
    }

    @Override
    public String toString() {
        return "FingerprintMap[size=" + size() + ", bytes=" + memoryBytes() + "]";
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

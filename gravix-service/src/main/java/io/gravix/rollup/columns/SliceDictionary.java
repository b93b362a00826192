package io.gravix.rollup.columns;

import java.util.Arrays;
import org.apache.parquet.io.api.Binary;

/**
 * The distinct values of a low-cardinality string column (service, route, method, …) as
 * slices of the run's arena, each given a code in first-seen order. Rows hold codes;
 * sorting compares {@link #ranks()} instead of strings, and the writer hands Parquet one
 * reused {@link Binary} per value instead of one per row.
 */
final class SliceDictionary {
    private int[] offsets = new int[16];
    private int[] lengths = new int[16];
    private int size;
    /** Open addressing: code + 1, 0 = empty. */
    private int[] slots = new int[64];

    int size() {
        return size;
    }

    /** The code of the value {@code arena[off, off+len)}, added if new. */
    int codeOf(byte[] arena, int off, int len) {
        int mask = slots.length - 1;
        for (int i = Slices.hash(arena, off, len) & mask; ; i = (i + 1) & mask) {
            int slot = slots[i];
            if (slot == 0) {
                return add(arena, off, len, i);
            }
            int code = slot - 1;
            if (Arrays.equals(arena, offsets[code], offsets[code] + lengths[code], arena, off, off + len)) {
                return code;
            }
        }
    }

    private int add(byte[] arena, int off, int len, int slot) {
        if (size == offsets.length) {
            offsets = Arrays.copyOf(offsets, size * 2);
            lengths = Arrays.copyOf(lengths, size * 2);
        }
        offsets[size] = off;
        lengths[size] = len;
        slots[slot] = ++size;
        if (size * 2 > slots.length) {
            rehash(arena);
        }
        return size - 1;
    }

    private void rehash(byte[] arena) {
        slots = new int[slots.length * 2];
        int mask = slots.length - 1;
        for (int code = 0; code < size; code++) {
            int i = Slices.hash(arena, offsets[code], lengths[code]) & mask;
            while (slots[i] != 0) {
                i = (i + 1) & mask;
            }
            slots[i] = code + 1;
        }
    }

    int offset(int code) {
        return offsets[code];
    }

    int length(int code) {
        return lengths[code];
    }

    /** For each code, its position in the byte order of the values (UTF-8 byte order is code point order). */
    int[] ranks(byte[] arena) {
        Integer[] byValue = new Integer[size];
        for (int i = 0; i < size; i++) {
            byValue[i] = i;
        }
        Arrays.sort(byValue, (a, b) -> Arrays.compareUnsigned(arena, offsets[a], offsets[a] + lengths[a],
                arena, offsets[b], offsets[b] + lengths[b]));
        int[] ranks = new int[size];
        for (int rank = 0; rank < size; rank++) {
            ranks[byValue[rank]] = rank;
        }
        return ranks;
    }

    /** One constant {@link Binary} per code, over the arena (which must not change afterwards). */
    Binary[] binaries(byte[] arena) {
        Binary[] values = new Binary[size];
        for (int code = 0; code < size; code++) {
            values[code] = Binary.fromConstantByteArray(arena, offsets[code], lengths[code]);
        }
        return values;
    }
}

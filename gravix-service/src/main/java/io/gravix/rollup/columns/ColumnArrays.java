package io.gravix.rollup.columns;

import java.util.HashMap;
import java.util.Map;

/**
 * The arrays of the last finished run's columns, for the next run to decode into. A run's
 * arena and column arrays are a few large arrays (about twice its spool bytes: 118 MiB for
 * a 64 MiB run); allocated afresh per run they are humongous objects to G1 that start a
 * marking cycle each, shrink the young generation, and when freed leave the old generation
 * fragmented. Reused, they are allocated once and stay put.
 *
 * <p>Each array is held under its role in the columns ({@code "ts"}, {@code "attrKey"}, …),
 * so a role gets back its own array — an attribute array that grew during the last run is
 * not handed to a column that needs less. Holds at most one run's arrays, and none while a
 * run holds its own: columns take what fits when they are made and the rest is let go then
 * ({@link EventColumns#of(io.gravix.spool.Table, long, ColumnArrays)}), so an array too short
 * for the new run never stays live beside its replacement. An array is handed out with
 * whatever an earlier run wrote in it; columns write every slot before reading it. Used by
 * one thread at a time (the rollup thread).
 */
public final class ColumnArrays {
    private final Map<String, Object> held = new HashMap<>();

    byte[] bytes(String role, int length) {
        return held.remove(role) instanceof byte[] a && a.length >= length ? a : new byte[withHeadroom(length)];
    }

    long[] longs(String role, int length) {
        return held.remove(role) instanceof long[] a && a.length >= length ? a : new long[withHeadroom(length)];
    }

    int[] ints(String role, int length) {
        return held.remove(role) instanceof int[] a && a.length >= length ? a : new int[withHeadroom(length)];
    }

    double[] doubles(String role, int length) {
        return held.remove(role) instanceof double[] a && a.length >= length ? a : new double[withHeadroom(length)];
    }

    /** Keeps {@code array} as the one for {@code role} in the next run. */
    void give(String role, Object array) {
        held.put(role, array);
    }

    /**
     * Keeps the arrays of {@code columns} for the next run. Only once nothing reads
     * {@code columns} any more: every write of its run is done.
     */
    public void release(EventColumns columns) {
        clear();
        columns.releaseArrays(this);
    }

    /** Lets every held array go (the heap ran short, the rollup is idle, or a run took what it could use). */
    public void clear() {
        held.clear();
    }

    /** Heap the held arrays take. */
    public long heldBytes() {
        long bytes = 0;
        for (Object a : held.values()) {
            if (a instanceof byte[] b) {
                bytes += b.length;
            } else if (a instanceof long[] l) {
                bytes += l.length * 8L;
            } else if (a instanceof int[] i) {
                bytes += i.length * 4L;
            } else if (a instanceof double[] d) {
                bytes += d.length * 8L;
            }
        }
        return bytes;
    }

    /**
     * {@code length} rounded up to a sixteenth of its power of two (at most 6.25 % more): full
     * runs differ by a few frames, and one a little larger than the last must still fit.
     */
    static int withHeadroom(int length) {
        if (length < 1024) {
            return length;
        }
        int step = Integer.highestOneBit(length) >>> 4;
        long rounded = ((long) length + step - 1) / step * step;
        return (int) Math.min(rounded, Integer.MAX_VALUE - 16);
    }
}

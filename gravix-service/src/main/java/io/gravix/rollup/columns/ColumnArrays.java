package io.gravix.rollup.columns;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.ToIntFunction;

/**
 * The arrays of the last finished run's columns, for the next run to decode into. A run's
 * arena and column arrays are a few large arrays (about twice its spool bytes: 118 MiB for
 * a 64 MiB run); allocated afresh per run they are humongous objects to G1 that start a
 * marking cycle each, shrink the young generation, and when freed leave the old generation
 * fragmented. Reused, they are allocated once and stay put.
 *
 * <p>Holds at most one run's arrays: {@link #release} drops whatever the run before left
 * unused. An array is handed out with whatever an earlier run wrote in it; columns write
 * every slot before reading it. Used by one thread at a time (the rollup thread).
 */
public final class ColumnArrays {
    private final List<byte[]> bytes = new ArrayList<>();
    private final List<long[]> longs = new ArrayList<>();
    private final List<int[]> ints = new ArrayList<>();
    private final List<double[]> doubles = new ArrayList<>();

    byte[] bytes(int length) {
        return take(bytes, length, a -> a.length, byte[]::new);
    }

    long[] longs(int length) {
        return take(longs, length, a -> a.length, long[]::new);
    }

    int[] ints(int length) {
        return take(ints, length, a -> a.length, int[]::new);
    }

    double[] doubles(int length) {
        return take(doubles, length, a -> a.length, double[]::new);
    }

    /**
     * Keeps the arrays of {@code columns} for the next run, in place of any left from an
     * earlier one. Only once nothing reads {@code columns} any more: every write of its run is done.
     */
    public void release(EventColumns columns) {
        clear();
        columns.releaseArrays(this);
    }

    /** Lets every held array go (the heap ran short, or the rollup is idle). */
    public void clear() {
        bytes.clear();
        longs.clear();
        ints.clear();
        doubles.clear();
    }

    /** Heap the held arrays take. */
    public long heldBytes() {
        long held = 0;
        for (byte[] a : bytes) {
            held += a.length;
        }
        for (long[] a : longs) {
            held += a.length * 8L;
        }
        for (int[] a : ints) {
            held += a.length * 4L;
        }
        for (double[] a : doubles) {
            held += a.length * 8L;
        }
        return held;
    }

    void give(byte[] a) {
        bytes.add(a);
    }

    void give(long[] a) {
        longs.add(a);
    }

    void give(int[] a) {
        ints.add(a);
    }

    void give(double[] a) {
        doubles.add(a);
    }

    /** The shortest held array of at least {@code length}, taken out of the pool; a new one when none is long enough. */
    private static <A> A take(List<A> held, int length, ToIntFunction<A> lengthOf, IntFunction<A> allocate) {
        int best = -1;
        for (int i = 0; i < held.size(); i++) {
            int l = lengthOf.applyAsInt(held.get(i));
            if (l >= length && (best < 0 || l < lengthOf.applyAsInt(held.get(best)))) {
                best = i;
            }
        }
        return best >= 0 ? held.remove(best) : allocate.apply(length);
    }
}

package io.gravix.rollup.columns;

import java.util.Arrays;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.io.api.Binary;

/**
 * One writer thread's buffers for a page of rows. The run's rows are written in sort order,
 * which is a random walk over the columns' arrays and the arena; handing values to
 * Parquet one at a time from there waits on a cache miss per value. Gathering a page's
 * values first, in a tight loop that keeps many loads in flight, and then writing them
 * from the sequential copy, measured several times faster.
 *
 * <p>Strings are copied into {@link #bytes} and handed over as <em>reused</em> binaries:
 * whatever Parquet keeps (dictionary entries, min/max statistics) it copies, because the
 * next page overwrites the buffer.
 */
final class PageScratch {
    final long[] longs;
    final int[] ints;
    final double[] doubles;
    private byte[] bytes = new byte[1 << 16];
    private int[] starts;
    private int[] lengths;
    private int[] repetition;

    PageScratch(int pageRows) {
        longs = new long[pageRows];
        ints = new int[pageRows];
        doubles = new double[pageRows];
        starts = new int[pageRows];
        lengths = new int[pageRows];
        repetition = new int[pageRows];
    }

    /** Copies the string slices of {@code rows[from, to)} into the buffer; returns how many. */
    int gatherSlices(byte[] arena, long[] slices, int[] rows, int from, int to) {
        int n = 0;
        int at = 0;
        for (int i = from; i < to; i++) {
            long slice = slices[rows[i]];
            at = add(arena, n++, slice, at, 0);
        }
        return n;
    }

    /**
     * Copies the map entries of {@code rows[from, to)}, keys or values: one item per entry,
     * with its repetition level, and a null item (length -1) for a row without entries.
     */
    int gatherEntries(byte[] arena, int[] entryStart, long[] entries, int[] rows, int from, int to) {
        int n = 0;
        int at = 0;
        for (int i = from; i < to; i++) {
            int row = rows[i];
            int first = entryStart[row];
            int end = entryStart[row + 1];
            if (first == end) {
                ensureItems(n + 1);
                lengths[n] = -1;
                repetition[n++] = 0;
            }
            for (int e = first; e < end; e++) {
                ensureItems(n + 1);
                at = add(arena, n++, entries[e], at, e == first ? 0 : 1);
            }
        }
        return n;
    }

    private int add(byte[] arena, int item, long slice, int at, int repetitionLevel) {
        int off = (int) (slice >>> 32);
        int len = (int) slice;
        if (at + len > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, at + len));
        }
        System.arraycopy(arena, off, bytes, at, len);
        starts[item] = at;
        lengths[item] = len;
        repetition[item] = repetitionLevel;
        return at + len;
    }

    private void ensureItems(int n) {
        if (n > starts.length) {
            starts = Arrays.copyOf(starts, starts.length * 2);
            lengths = Arrays.copyOf(lengths, lengths.length * 2);
            repetition = Arrays.copyOf(repetition, repetition.length * 2);
        }
    }

    int length(int item) {
        return lengths[item];
    }

    int repetition(int item) {
        return repetition[item];
    }

    Binary binary(int item) {
        return Binary.fromReusedByteArray(bytes, starts[item], lengths[item]);
    }

    /** Writes gathered strings: REQUIRED at definition level 0, or OPTIONAL with empty as null. */
    void writeSlices(ColumnWriter w, int n, boolean optional) {
        for (int i = 0; i < n; i++) {
            if (!optional) {
                w.write(binary(i), 0, 0);
            } else if (lengths[i] == 0) {
                w.writeNull(0, 0);
            } else {
                w.write(binary(i), 0, 1);
            }
        }
    }
}

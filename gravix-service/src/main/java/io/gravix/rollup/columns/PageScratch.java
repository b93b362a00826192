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
 * <p>A page's events are copied into {@link #bytes} once and its strings handed over as
 * <em>reused</em> binaries over that copy: whatever Parquet keeps (dictionary entries,
 * min/max statistics) it copies, because the next page overwrites the buffer.
 */
final class PageScratch {
    /**
     * One per writer thread, kept from file to file: its page buffer grows to a page's
     * events (megabytes), which allocated per file were humongous arrays to G1 each time.
     */
    private static final ThreadLocal<PageScratch> OF_THREAD = ThreadLocal.withInitial(
            () -> new PageScratch(ColumnarParquetWriter.PAGE_ROWS));

    final long[] longs;
    final int[] ints;
    final double[] doubles;
    private byte[] bytes = new byte[1 << 16];
    private int[] starts;
    private int[] lengths;
    private int[] repetition;
    private final int[] eventShift;
    private final int[] frames;
    private int[] framesRows;
    private int framesFrom = -1;
    private int framesTo = -1;
    /** The page whose events {@link #bytes} holds. */
    private int[] pageRows;
    private int pageFrom = -1;
    private int pageTo = -1;

    /** This thread's scratch for pages of {@link ColumnarParquetWriter#PAGE_ROWS} rows; {@link #forget()} it after the file. */
    static PageScratch ofThisThread() {
        return OF_THREAD.get();
    }

    /** Drops what the scratch knows of the last page, so it holds no reference to a run's row order between files. */
    void forget() {
        pageRows = null;
        pageFrom = -1;
        pageTo = -1;
        framesRows = null;
        framesFrom = -1;
        framesTo = -1;
    }

    PageScratch(int pageRows) {
        longs = new long[pageRows];
        ints = new int[pageRows];
        doubles = new double[pageRows];
        starts = new int[pageRows];
        lengths = new int[pageRows];
        repetition = new int[pageRows];
        eventShift = new int[pageRows];
        frames = new int[pageRows];
    }

    /**
     * Copies the events of {@code rows[from, to)} into the page's buffer, once per page:
     * every string column of the page then reads from there, sequentially, instead of
     * visiting each event's bytes in the arena once per column.
     */
    private void gatherEvents(EventColumns c, int[] rows, int from, int to) {
        if (pageRows == rows && pageFrom == from && pageTo == to) {
            return;
        }
        byte[] arena = c.arena();
        int at = 0;
        for (int i = from; i < to; i++) {
            long event = c.eventBytes(rows[i]);
            int off = (int) (event >>> 32);
            int len = (int) event;
            if (at + len > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, at + len));
            }
            System.arraycopy(arena, off, bytes, at, len);
            // a slice at arena offset o of this event is at o + shift in the buffer
            eventShift[i - from] = at - off;
            at += len;
        }
        pageRows = rows;
        pageFrom = from;
        pageTo = to;
    }

    /** The spool record (frame) of each row of the page, gathered once for the three columns that come from it. */
    int[] frames(int[] frameOfRow, int[] rows, int from, int to) {
        if (framesRows != rows || framesFrom != from || framesTo != to) {
            for (int i = from; i < to; i++) {
                frames[i - from] = frameOfRow[rows[i]];
            }
            framesRows = rows;
            framesFrom = from;
            framesTo = to;
        }
        return frames;
    }

    /** Points at the string slices of {@code rows[from, to)} in the page's copy of their events; returns how many. */
    int gatherSlices(EventColumns c, long[] slices, int[] rows, int from, int to) {
        gatherEvents(c, rows, from, to);
        int n = 0;
        for (int i = from; i < to; i++) {
            add(n++, slices[rows[i]], eventShift[i - from], 0);
        }
        return n;
    }

    /**
     * Points at the map entries of {@code rows[from, to)}, keys or values: one item per
     * entry, with its repetition level, and a null item (length -1) for a row without entries.
     */
    int gatherEntries(EventColumns c, int[] entryStart, long[] entries, int[] rows, int from, int to) {
        gatherEvents(c, rows, from, to);
        int n = 0;
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
                add(n++, entries[e], eventShift[i - from], e == first ? 0 : 1);
            }
        }
        return n;
    }

    private void add(int item, long slice, int shift, int repetitionLevel) {
        int len = (int) slice;
        // an empty string need not lie inside its event (a field never sent is the slice 0)
        starts[item] = len == 0 ? 0 : (int) (slice >>> 32) + shift;
        lengths[item] = len;
        repetition[item] = repetitionLevel;
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

package io.gravix.rollup;

import io.gravix.rollup.columns.EventColumns;
import io.gravix.rollup.columns.SortedRun;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A sorted list of event ids packed into two arrays — their UTF-8 bytes back to back and
 * the start offset of each — for binary search: about (length + 4) bytes per id instead
 * of the ~80 of a {@code String} in a {@code String[]}. Accepted ids are ASCII
 * ({@code [A-Za-z0-9._:-]}), for which UTF-8 byte order is {@link String#compareTo} order;
 * for any other id the orders could differ only in ways that make a lookup miss (a
 * duplicate kept), never match a different id (an event dropped).
 */
final class PackedIds {
    private final byte[] data;
    private final int[] starts;

    private PackedIds(byte[] data, int[] starts) {
        this.data = data;
        this.starts = starts;
    }

    /** Packs {@code sortedIds}, which must be sorted. */
    static PackedIds of(String[] sortedIds) {
        int total = 0;
        for (String id : sortedIds) {
            total += id.length() * 3; // the most UTF-8 bytes a char can take
        }
        byte[] data = new byte[total];
        int[] starts = new int[sortedIds.length + 1];
        int at = 0;
        for (int i = 0; i < sortedIds.length; i++) {
            byte[] b = sortedIds[i].getBytes(StandardCharsets.UTF_8);
            System.arraycopy(b, 0, data, at, b.length);
            starts[i] = at;
            at += b.length;
        }
        starts[sortedIds.length] = at;
        return new PackedIds(Arrays.copyOf(data, at), starts);
    }

    /**
     * The ids of every row of a run's {@code columns}, sorted by their UTF-8 bytes, packed
     * straight from the columns (no {@code String} per id).
     */
    static PackedIds sortedFrom(EventColumns columns) {
        int[] rows = SortedRun.rowsByEventId(columns);
        int total = 0;
        for (int row = 0; row < rows.length; row++) {
            total += columns.eventIdLength(row);
        }
        byte[] data = new byte[total];
        int[] starts = new int[rows.length + 1];
        int at = 0;
        for (int i = 0; i < rows.length; i++) {
            starts[i] = at;
            at = columns.copyEventId(rows[i], data, at);
        }
        starts[rows.length] = at;
        return new PackedIds(data, starts);
    }

    /** Id {@code i}'s bytes are {@link #data()}[start(i), start(i + 1)). */
    int start(int i) {
        return starts[i];
    }

    byte[] data() {
        return data;
    }

    boolean contains(String id) {
        byte[] key = id.getBytes(StandardCharsets.UTF_8);
        return contains(key, 0, key.length);
    }

    /** Whether the id whose UTF-8 bytes are {@code key[off, off+len)} is in the list. */
    boolean contains(byte[] key, int off, int len) {
        int lo = 0;
        int hi = starts.length - 2;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = Arrays.compareUnsigned(data, starts[mid], starts[mid + 1], key, off, off + len);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return true;
            }
        }
        return false;
    }

    int size() {
        return starts.length - 1;
    }

    /** The heap both arrays take, headers included. */
    long bytes() {
        return 16L + data.length + 16L + 4L * starts.length;
    }
}

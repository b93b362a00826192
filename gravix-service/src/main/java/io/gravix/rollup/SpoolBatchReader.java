package io.gravix.rollup;

import io.gravix.rollup.columns.EventColumns;
import io.gravix.rollup.columns.MalformedRecordException;
import io.gravix.spool.SpoolFileScanner;
import io.gravix.spool.SpoolFormatException;
import io.gravix.spool.Table;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a whole sealed spool file, all or nothing: a file is either fully readable or
 * {@link Unreadable} with the first problem and its offset — a bad header, a checksum
 * mismatch (a sealed file must end exactly after its last frame) or a payload that is not
 * the table's record. Its frames are checked before any is decoded.
 */
final class SpoolBatchReader {
    private SpoolBatchReader() {}

    /** Why a spool file cannot be rolled up. */
    static final class Unreadable extends Exception {
        private final long offset;

        Unreadable(String message, long offset) {
            super(message);
            this.offset = offset;
        }

        long offset() {
            return offset;
        }
    }

    /** The frames of one checked spool file: {file offset, payload offset in the arena, payload length} each. */
    record Frames(List<long[]> slices) {}

    /**
     * Reads and checks {@code file} straight into {@code columns}' arena (its records stay
     * there; no copy of the file is kept besides), ready to be {@linkplain #append appended}.
     */
    static Frames read(Table table, Path file, EventColumns columns) throws IOException, Unreadable {
        long size = Files.size(file);
        if (size > Integer.MAX_VALUE - 1024) {
            throw new Unreadable("a spool file of " + size + " bytes does not fit one arena (at most 2 GiB)", 0);
        }
        int at = columns.claimArena((int) size);
        List<long[]> slices = new ArrayList<>();
        SpoolFileScanner.Result scan;
        try {
            scan = SpoolFileScanner.scanInto(file, columns.arena(), at, (int) size,
                    (offset, buf, payloadOffset, length) -> slices.add(new long[] {offset, payloadOffset, length}));
        } catch (SpoolFormatException e) {
            throw new Unreadable("bad header: " + e.problem(), e.offset());
        }
        check(table, scan);
        return new Frames(slices);
    }

    private static void check(Table table, SpoolFileScanner.Result scan) throws Unreadable {
        if (scan.tail() != SpoolFileScanner.Tail.CLEAN) {
            throw new Unreadable("checksum mismatch or incomplete frame at offset " + scan.validEnd() + " of a sealed file of "
                    + scan.fileSize() + " bytes (" + scan.frames() + " valid frames before it)", scan.validEnd());
        }
        if (scan.header().table() != table) {
            throw new Unreadable("header names table " + scan.header().table() + ", but the file is in the spool of "
                    + table.tableName(), 0);
        }
    }

    /**
     * Appends every frame of {@code frames}, read into {@code columns}' arena, to {@code columns}. A payload that is not the
     * table's record makes the whole file unreadable; the caller then drops the run's columns.
     */
    static void append(Frames frames, long batchId, EventColumns columns) throws Unreadable {
        for (long[] s : frames.slices()) {
            try {
                columns.appendRecordAt((int) s[1], (int) s[2], batchId);
            } catch (MalformedRecordException e) {
                throw new Unreadable("frame payload is not a valid " + columns.schema().getName() + " record: " + e.getMessage(), s[0]);
            }
        }
    }
}

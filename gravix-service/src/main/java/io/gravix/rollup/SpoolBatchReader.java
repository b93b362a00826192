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
import java.util.concurrent.Executor;

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

    /** A file of a run whose frames were read but whose payloads are not the table's records. */
    static final class Undecodable extends Exception {
        private final int file;

        Undecodable(int file, Unreadable problem) {
            super(problem.getMessage(), problem, false, false);
            this.file = file;
        }

        /** Which of the files passed to {@link #appendAll} it is. */
        int file() {
            return file;
        }

        Unreadable problem() {
            return (Unreadable) getCause();
        }
    }

    /**
     * Appends every frame of the files {@code files} (read into {@code columns}' arena; file
     * i of batch {@code batchIds[i]}), in order, to {@code columns}, half of them decoded by
     * {@code helper} ({@link EventColumns#appendRecordsAt}). A payload that is not the
     * table's record makes its whole file unreadable; the caller then drops the run's columns.
     */
    static void appendAll(List<Frames> files, long[] batchIds, EventColumns columns, Executor helper) throws Undecodable {
        int count = files.stream().mapToInt(f -> f.slices().size()).sum();
        int[] at = new int[count];
        int[] len = new int[count];
        long[] batch = new long[count];
        int[] fileOf = new int[count];
        long[] fileOffset = new long[count];
        int i = 0;
        for (int file = 0; file < files.size(); file++) {
            for (long[] s : files.get(file).slices()) {
                fileOffset[i] = s[0];
                at[i] = (int) s[1];
                len[i] = (int) s[2];
                batch[i] = batchIds[file];
                fileOf[i++] = file;
            }
        }
        try {
            columns.appendRecordsAt(at, len, batch, count, helper);
        } catch (MalformedRecordException e) {
            int frame = e.record();
            throw new Undecodable(fileOf[frame], new Unreadable(
                    "frame payload is not a valid " + columns.schema().getName() + " record: " + e.getMessage(), fileOffset[frame]));
        }
    }
}

package io.gravix.rollup;

import com.google.protobuf.InvalidProtocolBufferException;
import io.gravix.spool.SpoolFileScanner;
import io.gravix.spool.SpoolFormatException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a whole sealed spool file into its frames, all or nothing: a file is either
 * fully readable or {@link Unreadable} with the first problem and its offset — a bad
 * header, a checksum mismatch (a sealed file must end exactly after its last frame) or
 * a payload that is not the table's record.
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

    static <E> List<LakeTable.Frame<E>> read(LakeTable<E> table, Path file) throws IOException, Unreadable {
        List<long[]> slices = new ArrayList<>();
        byte[][] content = new byte[1][];
        SpoolFileScanner.Result scan;
        try {
            scan = SpoolFileScanner.scan(file, (offset, buf, payloadOffset, length) -> {
                content[0] = buf;
                slices.add(new long[] {offset, payloadOffset, length});
            });
        } catch (SpoolFormatException e) {
            throw new Unreadable("bad header: " + e.problem(), e.offset());
        }
        if (scan.tail() != SpoolFileScanner.Tail.CLEAN) {
            throw new Unreadable("checksum mismatch or incomplete frame at offset " + scan.validEnd() + " of a sealed file of "
                    + scan.fileSize() + " bytes (" + scan.frames() + " valid frames before it)", scan.validEnd());
        }
        if (scan.header().table() != table.table()) {
            throw new Unreadable("header names table " + scan.header().table() + ", but the file is in the spool of " + table.name(), 0);
        }
        List<LakeTable.Frame<E>> frames = new ArrayList<>(slices.size());
        for (long[] s : slices) {
            try {
                frames.add(table.readFrame(content[0], (int) s[1], (int) s[2]));
            } catch (InvalidProtocolBufferException e) {
                throw new Unreadable("frame payload is not a " + table.name() + " record: " + e.getMessage(), s[0]);
            }
        }
        return frames;
    }
}

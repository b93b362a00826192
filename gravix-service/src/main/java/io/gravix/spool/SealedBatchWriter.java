package io.gravix.spool;

import io.gravix.index.BatchIndex;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a whole batch of given frame payloads as one new sealed spool file, for
 * re-ingesting frames (the dead-letter queue's replay) outside the per-table writer.
 *
 * <p>It takes the steps a {@link SpoolWriter} takes over a file's life, in one go and with
 * the same commit point: a new OPEN batch id from the index, {@code <id>.open} written
 * (header, frames) and fsynced, renamed to {@code <id>.sealed}, the directory fsynced,
 * the batch marked SEALED. A crash at any step leaves a state {@link SpoolRecovery}
 * already handles: an OPEN row without a file is deleted; an {@code .open} file is cut
 * after its last whole frame and sealed (every frame is a complete request, so a
 * partial import is a smaller import; importing again is harmless because the rollup
 * drops event ids it has seen); a {@code .sealed} file without its SEALED row is marked.
 */
final class SealedBatchWriter {
    private SealedBatchWriter() {}

    /** Returns the new batch's id. Every payload is checked before anything is written. */
    static long write(Table table, Path directory, BatchIndex index, Clock clock, List<byte[]> payloads) throws IOException {
        if (payloads.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one frame");
        }
        List<byte[]> frames = new ArrayList<>(payloads.size());
        long events = 0;
        for (byte[] payload : payloads) {
            frames.add(SpoolFile.encodeFrame(payload)); // rejects empty and oversized payloads
            events += SpoolRecords.countEvents(payload, 0, payload.length);
        }
        long createdAt = clock.millis();
        long batchId = index.createOpenBatch(table.tableName(), createdAt);
        Path open = directory.resolve(SpoolFile.openName(batchId));
        long bytes = 0;
        SpoolStorage storage = SpoolStorage.PRODUCTION;
        try (SpoolStorage.AppendChannel channel = storage.create(open)) {
            bytes += writeFully(channel, SpoolFile.encodeHeader(table, batchId, createdAt));
            for (byte[] frame : frames) {
                bytes += writeFully(channel, frame);
            }
            channel.force(true);
        }
        Path sealed = directory.resolve(SpoolFile.sealedName(batchId));
        storage.rename(open, sealed);
        storage.fsyncDirectory(directory);
        index.markSealed(batchId, table.tableName(), createdAt, clock.millis(), bytes, frames.size(), events);
        return batchId;
    }

    private static int writeFully(SpoolStorage.AppendChannel channel, byte[] bytes) throws IOException {
        channel.writeFully(ByteBuffer.wrap(bytes));
        return bytes.length;
    }
}

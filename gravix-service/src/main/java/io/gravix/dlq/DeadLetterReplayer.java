package io.gravix.dlq;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.gravix.spool.SpoolFileSalvager;
import io.gravix.spool.Table;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-ingests what can be saved of a dead-letter entry: the intact frames that are the
 * table's records ({@link RecordDecoder}) become one new sealed spool batch through a
 * {@link BatchImporter}, and the replay is recorded in the entry's reason. The entry
 * stays in the queue until it is purged.
 *
 * <p>Replaying again is harmless: the rollup drops event ids it kept within its dedupe
 * window, so a second replay adds nothing to the lake. A crash after the import and
 * before the record leaves an unrecorded but complete replay, equally harmless.
 */
public final class DeadLetterReplayer {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterReplayer.class);

    /**
     * What a replay did. {@code batchId} is empty when no frame could be replayed (nothing
     * was imported or recorded); {@code skippedFrames} are intact frames that are not records.
     */
    public record Replay(String entry, Table table, OptionalLong batchId, int frames, long events, int skippedFrames,
                         int damagedRegions) {}

    private final DeadLetterQueue queue;
    private final BatchImporter importer;

    public DeadLetterReplayer(DeadLetterQueue queue, BatchImporter importer) {
        this.queue = requireNonNull(queue, "queue is null");
        this.importer = requireNonNull(importer, "importer is null");
    }

    public Replay replay(DeadLetterEntry entry) throws IOException {
        SpoolFileSalvager.Result salvage = SpoolFileSalvager.salvage(entry.file());
        List<byte[]> payloads = new ArrayList<>();
        long events = 0;
        for (SpoolFileSalvager.Frame frame : salvage.frames()) {
            try {
                events += RecordDecoder.decode(entry.table(), frame.payload()).events().size();
                payloads.add(frame.payload());
            } catch (RecordDecoder.Undecodable e) {
                // Reported by dlq-show; a replay takes only what the rollup can read.
            }
        }
        int skipped = salvage.frames().size() - payloads.size();
        int damaged = salvage.damage().size();
        if (payloads.isEmpty()) {
            return new Replay(entry.name(), entry.table(), OptionalLong.empty(), 0, 0, skipped, damaged);
        }
        long batchId = importer.importSealedBatch(entry.table(), payloads);
        queue.recordReplay(entry, JsonNodeFactory.instance.objectNode()
                .put("batchId", batchId)
                .put("frames", payloads.size())
                .put("events", events)
                .put("skippedFrames", skipped));
        LOG.info("dead-letter entry {} replayed as batch {}: {} frames, {} events ({} frames skipped, {} damaged regions)",
                entry.name(), batchId, payloads.size(), events, skipped, damaged);
        return new Replay(entry.name(), entry.table(), OptionalLong.of(batchId), payloads.size(), events, skipped, damaged);
    }
}

package io.gravix.dlq;

import static io.gravix.dlq.DlqFixture.GARBAGE;
import static io.gravix.dlq.DlqFixture.facts;
import static io.gravix.dlq.DlqFixture.serviceEvents;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gravix.index.BatchRecord;
import io.gravix.index.BatchState;
import io.gravix.spool.SpoolFile;
import io.gravix.spool.SpoolFileScanner;
import io.gravix.spool.Table;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeadLetterReplayerTest {
    @TempDir
    Path dataDir;

    private DlqFixture fx;
    private DeadLetterReplayer replayer;

    @BeforeEach
    void start() throws Exception {
        fx = new DlqFixture(dataDir);
        replayer = new DeadLetterReplayer(fx.queue, fx.spool::importSealedBatch);
    }

    @AfterEach
    void stop() throws Exception {
        fx.close();
    }

    private List<byte[]> payloadsOfBatch(Table table, long batchId) throws Exception {
        List<byte[]> payloads = new ArrayList<>();
        Path file = fx.spool.tableDirectory(table).resolve(SpoolFile.sealedName(batchId));
        SpoolFileScanner.Result r = SpoolFileScanner.scan(file, (o, buf, at, len) -> payloads.add(Arrays.copyOfRange(buf, at, at + len)));
        assertThat(r.tail()).isEqualTo(SpoolFileScanner.Tail.CLEAN);
        assertThat(r.header().table()).isEqualTo(table);
        return payloads;
    }

    // Payloads are built once: their events are timestamped when built.
    private final byte[] a = facts("a", 2);
    private final byte[] b = facts("b", 3);
    private final byte[] c = facts("c", 1);
    private final byte[] e = facts("e", 4);

    /** A file with a flipped byte in its second frame and a garbage payload as its fourth, quarantined. */
    private DeadLetterEntry damagedEntry() throws Exception {
        Path file = fx.sealedFile(Table.REQUEST_FACTS, List.of(a, b, c, GARBAGE, e));
        long damagedAt = DlqFixture.frameOffsets(file).get(1);
        DlqFixture.flipByte(file, damagedAt + SpoolFile.FRAME_OVERHEAD + 9);
        return fx.quarantine(Table.REQUEST_FACTS, file, "checksum mismatch", damagedAt);
    }

    @Test
    void aReplayImportsExactlyTheDecodableFramesAsANewSealedBatch() throws Exception {
        DeadLetterEntry entry = damagedEntry();

        DeadLetterReplayer.Replay replay = replayer.replay(entry);

        assertThat(replay.batchId()).isPresent();
        assertThat(replay.frames()).isEqualTo(3);
        assertThat(replay.events()).isEqualTo(7);
        assertThat(replay.skippedFrames()).isEqualTo(1);
        assertThat(replay.damagedRegions()).isEqualTo(1);
        long batchId = replay.batchId().getAsLong();
        assertThat(payloadsOfBatch(Table.REQUEST_FACTS, batchId)).containsExactly(a, c, e);
        BatchRecord row = fx.index.find(batchId).orElseThrow();
        assertThat(row.state()).isEqualTo(BatchState.SEALED);
        assertThat(row.events()).isEqualTo(7);

        JsonNode recorded = fx.queue.find(entry.name()).orElseThrow().reason().get("replays");
        assertThat(recorded).hasSize(1);
        assertThat(recorded.get(0).get("batchId").asLong()).isEqualTo(batchId);
        assertThat(recorded.get(0).get("frames").asInt()).isEqualTo(3);
        assertThat(recorded.get(0).get("events").asLong()).isEqualTo(7);
        assertThat(recorded.get(0).get("skippedFrames").asInt()).isEqualTo(1);
        assertThat(fx.queue.find(entry.name()).orElseThrow().reason().get("error").asText()).isEqualTo("checksum mismatch");
    }

    @Test
    void aBadHeaderEntryReplaysEveryFrameIntoAFileWithAGoodHeader() throws Exception {
        byte[] s = serviceEvents("s", 2);
        byte[] t = serviceEvents("t", 1);
        Path file = fx.sealedFile(Table.SERVICE_EVENTS, List.of(s, t));
        DlqFixture.flipByte(file, 3);
        DeadLetterEntry entry = fx.quarantine(Table.SERVICE_EVENTS, file, "bad header: bad magic", 0);

        DeadLetterReplayer.Replay replay = replayer.replay(entry);

        assertThat(replay.frames()).isEqualTo(2);
        assertThat(payloadsOfBatch(Table.SERVICE_EVENTS, replay.batchId().getAsLong()))
                .containsExactly(s, t);
    }

    @Test
    void replayingTwiceImportsTwoBatchesAndRecordsBoth() throws Exception {
        DeadLetterEntry entry = damagedEntry();

        long first = replayer.replay(entry).batchId().getAsLong();
        long second = replayer.replay(fx.queue.find(entry.name()).orElseThrow()).batchId().getAsLong();

        assertThat(second).isGreaterThan(first);
        assertThat(payloadsOfBatch(Table.REQUEST_FACTS, second)).containsExactlyElementsOf(payloadsOfBatch(Table.REQUEST_FACTS, first));
        assertThat(fx.queue.find(entry.name()).orElseThrow().reason().get("replays"))
                .extracting(r -> r.get("batchId").asLong()).containsExactly(first, second);
        assertThat(fx.queue.count()).isEqualTo(1); // the entry stays until it is purged
    }

    @Test
    void anEntryWithNoDecodableFrameImportsNothing() throws Exception {
        Path file = fx.sealedFile(Table.REQUEST_FACTS, List.of(GARBAGE, facts("b", 1)));
        DlqFixture.flipByte(file, DlqFixture.frameOffsets(file).get(1) + SpoolFile.FRAME_OVERHEAD);
        DeadLetterEntry entry = fx.quarantine(Table.REQUEST_FACTS, file, "test", 0);
        long sealedBefore = fx.index.list(BatchState.SEALED).size();

        DeadLetterReplayer.Replay replay = replayer.replay(entry);

        assertThat(replay.batchId()).isEmpty();
        assertThat(replay.frames()).isZero();
        assertThat(replay.skippedFrames()).isEqualTo(1);
        assertThat(replay.damagedRegions()).isEqualTo(1);
        assertThat(fx.index.list(BatchState.SEALED)).hasSize((int) sealedBefore);
        try (var files = Files.list(fx.spool.tableDirectory(Table.REQUEST_FACTS))) {
            assertThat(files.toList()).isEmpty();
        }
        assertThat(fx.queue.find(entry.name()).orElseThrow().reason().has("replays")).isFalse();
    }
}

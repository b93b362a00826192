package io.gravix.spool;

import static io.gravix.spool.SpoolFixtures.payload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gravix.index.BatchIndex;
import io.gravix.index.BatchRecord;
import io.gravix.index.BatchState;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Spool#importSealedBatch}: a running spool and a real SQLite index in a temporary directory. */
class SpoolImportTest {
    @TempDir
    Path dataDir;

    private BatchIndex index;
    private Spool spool;

    @BeforeEach
    void start() throws IOException {
        index = BatchIndex.open(dataDir.resolve("index.db"));
        spool = new Spool(dataDir.resolve("spool"), index, new SpoolConfig(), Clock.systemUTC(), new PrometheusRegistry());
        spool.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        spool.stop();
        index.close();
    }

    private List<Path> files(Table table) throws IOException {
        try (Stream<Path> s = Files.list(spool.tableDirectory(table))) {
            return s.sorted().toList();
        }
    }

    private static List<byte[]> payloadsOf(Path file) throws IOException {
        List<byte[]> payloads = new ArrayList<>();
        SpoolFileScanner.Result r = SpoolFileScanner.scan(file, (offset, buf, at, length) -> payloads.add(Arrays.copyOfRange(buf, at, at + length)));
        assertThat(r.tail()).isEqualTo(SpoolFileScanner.Tail.CLEAN);
        return payloads;
    }

    @Test
    void anImportIsOneSealedFileHoldingThePayloadsInOrderWithASealedRow() throws IOException {
        List<byte[]> payloads = List.of(payload("x", 2), payload("y", 1), payload("z", 4));

        long id = spool.importSealedBatch(Table.SERVICE_EVENTS, payloads);

        Path sealed = spool.tableDirectory(Table.SERVICE_EVENTS).resolve(SpoolFile.sealedName(id));
        assertThat(files(Table.SERVICE_EVENTS)).containsExactly(sealed);
        assertThat(SpoolFileScanner.scan(sealed, null).header().table()).isEqualTo(Table.SERVICE_EVENTS);
        assertThat(SpoolFileScanner.scan(sealed, null).header().batchId()).isEqualTo(id);
        assertThat(payloadsOf(sealed)).containsExactlyElementsOf(payloads);
        BatchRecord row = index.find(id).orElseThrow();
        assertThat(row.state()).isEqualTo(BatchState.SEALED);
        assertThat(row.table()).isEqualTo("service_events");
        assertThat(row.bytes()).isEqualTo(Files.size(sealed));
        assertThat(row.frames()).isEqualTo(3);
        assertThat(row.events()).isEqualTo(7);
        assertThat(spool.backlog().batches()).isEqualTo(1);
    }

    @Test
    void anImportLeavesTheWritersOpenFileAlone() throws Exception {
        spool.append(Table.REQUEST_FACTS, SpoolFile.encodeFrame(payload("w", 1)), 1).get(10, TimeUnit.SECONDS);
        long imported = spool.importSealedBatch(Table.REQUEST_FACTS, List.of(payload("i", 3)));
        spool.append(Table.REQUEST_FACTS, SpoolFile.encodeFrame(payload("w2", 1)), 1).get(10, TimeUnit.SECONDS);
        spool.sealAll().get(10, TimeUnit.SECONDS);

        List<Path> sealed = files(Table.REQUEST_FACTS);
        assertThat(sealed).hasSize(2).allSatisfy(p -> assertThat(p.toString()).endsWith(".sealed"));
        Path writers = sealed.stream().filter(p -> SpoolFile.batchIdOf(p) != imported).findFirst().orElseThrow();
        assertThat(payloadsOf(writers)).containsExactly(payload("w", 1), payload("w2", 1));
        assertThat(payloadsOf(spool.tableDirectory(Table.REQUEST_FACTS).resolve(SpoolFile.sealedName(imported))))
                .containsExactly(payload("i", 3));
    }

    @Test
    void badPayloadsAreRefusedBeforeAnythingIsWritten() throws IOException {
        assertThatThrownBy(() -> spool.importSealedBatch(Table.REQUEST_FACTS, List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one frame");
        assertThatThrownBy(() -> spool.importSealedBatch(Table.REQUEST_FACTS, List.of(payload("ok", 1), new byte[0])))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside 1..");
        assertThat(files(Table.REQUEST_FACTS)).isEmpty();
        assertThat(index.list(BatchState.OPEN)).isEmpty();
        assertThat(index.list(BatchState.SEALED)).isEmpty();
    }

    @Test
    void aSpoolThatIsNotRunningRefusesImports() throws Exception {
        spool.stop();
        assertThatThrownBy(() -> spool.importSealedBatch(Table.REQUEST_FACTS, List.of(payload("x", 1))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not running");
        assertThat(files(Table.REQUEST_FACTS)).isEmpty();
    }

    @Test
    void anImportedBatchSurvivesARestartAsItWas() throws Exception {
        long id = spool.importSealedBatch(Table.REQUEST_FACTS, List.of(payload("r", 2)));
        spool.stop();
        spool = new Spool(dataDir.resolve("spool"), index, new SpoolConfig(), Clock.systemUTC(), new PrometheusRegistry());
        spool.start();

        assertThat(files(Table.REQUEST_FACTS)).containsExactly(spool.tableDirectory(Table.REQUEST_FACTS).resolve(SpoolFile.sealedName(id)));
        assertThat(index.find(id).orElseThrow().state()).isEqualTo(BatchState.SEALED);
        assertThat(index.find(id).orElseThrow().events()).isEqualTo(2);
    }
}

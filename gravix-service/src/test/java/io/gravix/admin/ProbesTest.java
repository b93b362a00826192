package io.gravix.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dropwizard.util.DataSize;
import io.gravix.index.BatchIndex;
import io.gravix.spool.Spool;
import io.gravix.spool.SpoolConfig;
import io.gravix.spool.SpoolFile;
import io.gravix.spool.Table;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each cause of an unready (and, where a restart is needed, a dead) Gravix, against a real
 * spool and batch index: the probe turns 503 naming that check, and back to 200 once the
 * cause is gone, where it can go by itself.
 */
class ProbesTest {
    @TempDir
    Path dataDir;

    private final SpoolConfig spoolConfig = new SpoolConfig();
    private BatchIndex index;
    private Spool spool;
    private ShutdownDrain drain;
    private ProbeServlet ready;
    private ProbeServlet live;

    @BeforeEach
    void start() throws Exception {
        spoolConfig.setMinFreeDisk(DataSize.mebibytes(1));
        index = BatchIndex.open(dataDir.resolve("index.db"));
        spool = new Spool(dataDir.resolve("spool"), index, spoolConfig, Clock.systemUTC(), new PrometheusRegistry());
        spool.start();
        drain = new ShutdownDrain(Duration.ZERO);
        ready = Probes.readiness(index, spool, drain);
        live = Probes.liveness(spool, new ProbesConfig());
    }

    @AfterEach
    void stop() throws Exception {
        spool.stop();
        index.close();
    }

    @Test
    void aHealthyGravixIsReadyAndLive() {
        assertThat(ready.evaluate().status()).isEqualTo(200);
        assertThat(live.evaluate().status()).isEqualTo(200);
    }

    @Test
    void spoolDiskUnderItsFloorIsUnreadyUntilThereIsRoomAgain() {
        spoolConfig.setMinFreeDisk(DataSize.tebibytes(1024));
        assertFailing(ready, "disk", "spool.minFreeDisk");
        assertThat(live.evaluate().status()).as("backpressure needs no restart").isEqualTo(200);
        spoolConfig.setMinFreeDisk(DataSize.mebibytes(1));
        assertThat(ready.evaluate().status()).isEqualTo(200);
    }

    @Test
    void sealedBacklogOverItsLimitIsUnreadyUntilItIsBackWithin() throws Exception {
        spool.append(Table.REQUEST_FACTS, SpoolFile.encodeFrame(new byte[] {1}), 1).get(10, TimeUnit.SECONDS);
        spool.sealAll().get(10, TimeUnit.SECONDS);
        spoolConfig.setMaxSealedBatches(0);
        assertFailing(ready, "backlog", "spool.maxSealedBatches");
        spoolConfig.setMaxSealedBatches(10);
        assertThat(ready.evaluate().status()).isEqualTo(200);
    }

    @Test
    void aFailedSpoolWriteMakesGravixUnreadyAndNotLive() throws Exception {
        // The writer cannot create its next file: the write fails, and it never retries.
        Path tableDir = spool.tableDirectory(Table.SERVICE_EVENTS);
        Files.delete(tableDir);
        spool.append(Table.SERVICE_EVENTS, SpoolFile.encodeFrame(new byte[] {1}), 1).handle((v, e) -> null).get(10, TimeUnit.SECONDS);
        Files.createDirectories(tableDir);
        assertFailing(ready, "spool", "spool writer for service_events failed");
        assertFailing(live, "spool", "restart Gravix");
    }

    @Test
    void aBatchIndexThatDoesNotAnswerIsUnready() {
        index.close();
        assertFailing(ready, "index", "batch index does not answer");
    }

    @Test
    void shutdownMakesGravixUnreadyAtOnceButStillLive() {
        drain.drain();
        assertFailing(ready, "shutdown", "shutting down");
        assertThat(live.evaluate().status()).isEqualTo(200);
    }

    @SuppressWarnings("unchecked")
    private static void assertFailing(ProbeServlet probe, String check, String message) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            ProbeServlet.Answer answer = probe.evaluate();
            assertThat(answer.status()).isEqualTo(503);
            assertThat(answer.body()).containsEntry("status", "failing");
            Map<String, Object> result = (Map<String, Object>) ((Map<String, Object>) answer.body().get("checks")).get(check);
            assertThat(result).containsEntry("healthy", false);
            assertThat((String) result.get("message")).contains(message);
        });
    }
}

package io.gravix.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.gravix.GravixConfiguration;
import io.gravix.api.spool.v1.RequestFactRecord;
import io.gravix.api.v1.RequestFact;
import io.gravix.spool.Table;
import io.gravix.testing.EventBodies;
import io.gravix.testing.GravixHttp;
import io.gravix.testing.GravixTestApp;
import io.gravix.testing.SpoolContents;
import io.gravix.testing.TestEvents;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Backpressure (DESIGN.md §4): while the spool disk is under its free-space
 * floor or the sealed backlog is over its limit, ingest answers 503 with
 * Retry-After and a message naming the limit, and writes nothing. Each test
 * starts its own instance, since each needs its own limits.
 */
class BackpressureIT {
    private static final Pattern SEALED_BATCHES = Pattern.compile("(?m)^spool_sealed_batches ([0-9.eE+-]+)$");

    @Test
    void spoolDiskUnderItsFreeSpaceFloorAnswers503AndWritesNothing() throws Exception {
        Path dataDir = GravixTestApp.newDataDir("BackpressureIT-disk");
        // No disk has this much free, so the sample taken at start is already under the floor.
        DropwizardTestSupport<GravixConfiguration> app = GravixTestApp.support(dataDir, ConfigOverride.config("spool.minFreeDisk", "1000TiB"));
        app.before();
        try {
            GravixHttp http = new GravixHttp(app.getLocalPort(), app.getAdminPort());
            String retryAfter = Long.toString(app.getConfiguration().getSpool().getRetryAfter().toSeconds());

            for (GravixHttp.Answer answer : sendOneOfEach(http, "disk")) {
                assertRefused(answer, retryAfter, "spool.minFreeDisk");
            }

            String metrics = http.getAdmin("/metrics").body();
            for (Table table : Table.values()) {
                assertThat(metrics).containsPattern(Pattern.compile("(?m)^ingestion_error_count_total\\{(?=[^}]*reason=\"backpressure\")"
                        + "(?=[^}]*table=\"" + table.tableName() + "\")[^}]*} 1(\\.0)?$"));
            }
            http.sealNow();
            assertThat(SpoolContents.frameCount(dataDir)).isZero();
            for (Table table : Table.values()) {
                assertThat(SpoolContents.files(dataDir, table, "")).as("%s spool files", table).isEmpty();
            }
        } finally {
            app.after();
        }
    }

    @Test
    void sealedBacklogOverMaxSealedBatchesAnswers503AndWritesNothing() throws Exception {
        Path dataDir = GravixTestApp.newDataDir("BackpressureIT-backlog");
        DropwizardTestSupport<GravixConfiguration> app = GravixTestApp.support(dataDir, ConfigOverride.config("spool.maxSealedBatches", "0"));
        app.before();
        try {
            GravixHttp http = new GravixHttp(app.getLocalPort(), app.getAdminPort());
            String retryAfter = Long.toString(app.getConfiguration().getSpool().getRetryAfter().toSeconds());
            List<RequestFact> accepted = TestEvents.requestFacts("backlog-accepted", 2);
            GravixHttp.Answer first = http.ingest("/v1/request-facts", "application/json",
                    EventBodies.array(accepted.stream().map(EventBodies::json).toList()));
            assertThat(first.status()).as(first.body()).isEqualTo(202);

            http.sealNow();
            // Admission reads a sample of the backlog; the gauge shows the same sample.
            await().atMost(Duration.ofSeconds(10)).until(() -> sealedBatches(http) >= 1);

            for (GravixHttp.Answer answer : sendOneOfEach(http, "backlog-refused")) {
                assertRefused(answer, retryAfter, "spool.maxSealedBatches");
            }
            http.sealNow();
            List<RequestFactRecord> stored = SpoolContents.requestFactRecords(dataDir);
            assertThat(stored).hasSize(1);
            assertThat(stored.get(0).getFactsList()).containsExactlyElementsOf(accepted);
            assertThat(SpoolContents.frameCount(dataDir)).isEqualTo(1);
        } finally {
            app.after();
        }
    }

    /** A valid request to each endpoint. */
    private static List<GravixHttp.Answer> sendOneOfEach(GravixHttp http, String prefix) {
        return List.of(
                http.ingest("/v1/request-facts", "application/json", EventBodies.bytes(EventBodies.json(TestEvents.requestFact(prefix + "-rf")))),
                http.ingest("/v1/service-events", "application/x-ndjson",
                        EventBodies.ndjson(List.of(EventBodies.json(TestEvents.serviceEvent(prefix + "-se"))))));
    }

    private static void assertRefused(GravixHttp.Answer answer, String retryAfter, String limit) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(503);
        assertThat(answer.header("Retry-After")).isEqualTo(retryAfter);
        assertThat(answer.json().path("error").asText()).contains(limit);
    }

    private static double sealedBatches(GravixHttp http) {
        Matcher m = SEALED_BATCHES.matcher(http.getAdmin("/metrics").body());
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }
}

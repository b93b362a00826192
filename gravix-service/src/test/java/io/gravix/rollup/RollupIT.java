package io.gravix.rollup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.gravix.GravixConfiguration;
import io.gravix.api.v1.RequestFact;
import io.gravix.api.v1.RequestFactBatch;
import io.gravix.api.v1.ServiceEvent;
import io.gravix.testing.EventBodies;
import io.gravix.testing.GravixHttp;
import io.gravix.testing.GravixTestApp;
import io.gravix.testing.LakeDuckDb;
import io.gravix.testing.TestEvents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The rollup inside the running application, driven over real HTTP: rollup-now, the lake, metrics, store failures. */
class RollupIT {
    private Path dataDir;
    private DropwizardTestSupport<GravixConfiguration> app;
    private GravixHttp http;

    @BeforeEach
    void start() throws Exception {
        dataDir = GravixTestApp.newDataDir("RollupIT");
        app = GravixTestApp.support(dataDir, ConfigOverride.config("rollup.interval", "1h"));
        app.before();
        http = new GravixHttp(app.getLocalPort(), app.getAdminPort());
    }

    @AfterEach
    void stop() {
        app.after();
    }

    private GravixHttp.Answer rollupNow() {
        return http.postAdmin("/tasks/rollup-now", "Authorization", "Bearer " + GravixTestApp.ADMIN_TOKEN);
    }

    @Test
    void rollupNowPutsEveryAcceptedEventInTheLakeOnceAndAnswersWithItsSummary() throws Exception {
        List<RequestFact> facts = TestEvents.requestFacts("it-fact", 30);
        byte[] json = EventBodies.array(facts.stream().map(EventBodies::json).toList());
        assertThat(http.ingest("/v1/request-facts", "application/json", json).status()).isEqualTo(202);
        assertThat(http.ingest("/v1/request-facts", "application/json", json).status()).isEqualTo(202); // a retry
        byte[] protobuf = RequestFactBatch.newBuilder().addFacts(TestEvents.requestFact("it-proto")).build().toByteArray();
        assertThat(http.ingest("/v1/request-facts", "application/x-protobuf", protobuf).status()).isEqualTo(202);
        List<ServiceEvent> events = TestEvents.serviceEvents("it-event", 3);
        assertThat(http.ingest("/v1/service-events", "application/x-ndjson",
                EventBodies.ndjson(events.stream().map(EventBodies::json).toList())).status()).isEqualTo(202);

        GravixHttp.Answer answer = rollupNow();

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        JsonNode summary = answer.json();
        assertThat(summary.path("events").asLong()).isEqualTo(30 + 1 + 3);
        assertThat(summary.path("duplicates").asLong()).isEqualTo(30);
        assertThat(summary.path("runs").asInt()).isEqualTo(2);
        assertThat(summary.path("files").asInt()).isBetween(2, 4); // one per table and event hour
        assertThat(summary.path("deadLettered")).isEmpty();
        assertThat(summary.path("details").get(0).path("files").get(0).asText())
                .matches("request_facts/dt=\\d{4}-\\d{2}-\\d{2}/hour=\\d{2}/part-[a-z2-7]{12}-\\d+-0\\.parquet");

        List<Map<String, Object>> rows = LakeDuckDb.requestFacts(dataDir.resolve("lake"));
        assertThat(rows).extracting(r -> r.get("event_id")).doesNotHaveDuplicates().hasSize(31);
        assertThat(rows).allSatisfy(r -> assertThat(r.get("source")).isEqualTo(GravixTestApp.API_KEY_NAME));
        assertThat(LakeDuckDb.serviceEvents(dataDir.resolve("lake"))).hasSize(3);

        String metrics = http.getAdmin("/metrics").body();
        assertMetric(metrics, "rollup_events_total\\{table=\"request_facts\"} 31(\\.0)?");
        assertMetric(metrics, "rollup_events_total\\{table=\"service_events\"} 3(\\.0)?");
        assertMetric(metrics, "rollup_duplicates_total\\{table=\"request_facts\"} 30(\\.0)?");
        assertMetric(metrics, "rollup_runs_total\\{outcome=\"success\"} 2(\\.0)?");
        assertMetric(metrics, "rollup_runs_total\\{outcome=\"failure\"} 0(\\.0)?");
        assertMetric(metrics, "rollup_parquet_write_duration_seconds_bucket\\{table=\"request_facts\",le=\"[^\"]+\"} \\d+");
        assertMetric(metrics, "rollup_bytes_written_total [1-9][0-9.eE+]*");
        assertMetric(metrics, "rollup_lag_seconds 0(\\.0)?");
        assertMetric(metrics, "rollup_last_success_timestamp_seconds 1[0-9.eE+]+");

        // Nothing waits any more: a second rollup-now does nothing.
        assertThat(rollupNow().json().path("runs").asInt()).isZero();
    }

    /**
     * The sealed backlog is sampled once a second for admission; what seal-now and rollup-now
     * answer, and /metrics (the console's figures) right after them, must already be current.
     * Without that the console showed a batch an answered rollup-now had just taken.
     */
    @Test
    void theSealedBacklogIsCurrentOnMetricsAsSoonAsSealNowAndRollupNowAnswer() {
        for (int round = 0; round < 5; round++) { // each round is a race with the one-second sample
            byte[] json = EventBodies.array(TestEvents.requestFacts("backlog-" + round, 3).stream().map(EventBodies::json).toList());
            assertThat(http.ingest("/v1/request-facts", "application/json", json).status()).isEqualTo(202);

            GravixHttp.Answer sealed = http.postAdmin("/tasks/seal-now", "Authorization", "Bearer " + GravixTestApp.ADMIN_TOKEN);
            assertThat(sealed.json().path("sealedBatches").asLong()).as(sealed.body()).isEqualTo(1);
            assertMetric(http.getAdmin("/metrics").body(), "spool_sealed_batches 1(\\.0)?");

            assertThat(rollupNow().json().path("events").asLong()).isEqualTo(3);
            String metrics = http.getAdmin("/metrics").body();
            assertMetric(metrics, "spool_sealed_batches 0(\\.0)?");
            assertMetric(metrics, "spool_sealed_bytes 0(\\.0)?");
        }
    }

    @Test
    void aRunThatCannotPutItsFilesFailsAndIsFinishedByTheNextRollupWithTheSameKeys() throws Exception {
        assertThat(http.ingest("/v1/request-facts", "application/json",
                EventBodies.array(TestEvents.requestFacts("blocked", 5).stream().map(EventBodies::json).toList())).status())
                .isEqualTo(202);
        // A file where the table's directory belongs: every put under request_facts/ fails.
        Files.createDirectories(dataDir.resolve("lake"));
        Path blocker = Files.writeString(dataDir.resolve("lake/request_facts"), "not a directory");

        GravixHttp.Answer failed = rollupNow();
        // Not the caller's fault and not a bug: 503, retry later, with the cause named.
        assertThat(failed.status()).as(failed.body()).isEqualTo(503);
        assertThat(failed.header("Content-Type")).startsWith("application/json");
        assertThat(Integer.parseInt(failed.header("Retry-After"))).isPositive();
        assertThat(failed.json().path("cause").asText()).isEqualTo("store");
        assertThat(failed.json().path("error").asText()).contains("rollup of request_facts failed", "request_facts/dt=");
        String metrics = http.getAdmin("/metrics").body();
        assertMetric(metrics, "rollup_runs_total\\{outcome=\"failure\"} 1(\\.0)?");
        assertMetric(metrics, "rollup_failure_streak 1(\\.0)?");
        assertMetric(metrics, "rollup_next_attempt_timestamp_seconds 1[0-9.eE+]+");
        JsonNode health = http.getAdmin("/healthcheck").json();
        assertThat(health.path("rollup").path("healthy").asBoolean()).isFalse();
        assertThat(health.path("rollup").path("failureStreak").asInt()).isEqualTo(1);
        assertThat(health.path("rollup").path("cause").asText()).isEqualTo("STORE");
        assertThat(health.path("rollup").path("message").asText()).contains("1 consecutive failed run (STORE), next attempt at");
        assertThat(SpoolFilesLeft.sealed(dataDir)).isPositive(); // the spool still holds the events

        Files.delete(blocker);
        GravixHttp.Answer retried = rollupNow();
        assertThat(retried.status()).as(retried.body()).isEqualTo(200);
        assertThat(retried.json().path("events").asLong()).isEqualTo(5);
        assertThat(retried.json().path("details").get(0).path("run").asLong()).isEqualTo(1); // the planned run, re-executed
        assertThat(LakeDuckDb.requestFacts(dataDir.resolve("lake"))).hasSize(5);
        assertThat(SpoolFilesLeft.sealed(dataDir)).isZero();
        assertThat(http.getAdmin("/healthcheck").json().path("rollup").path("healthy").asBoolean()).isTrue();
        assertMetric(http.getAdmin("/metrics").body(), "rollup_failure_streak 0(\\.0)?");
    }

    @Test
    void aBadSealParameterIsRefusedWithItsName() {
        GravixHttp.Answer answer = http.postAdmin("/tasks/rollup-now?seal=maybe", "Authorization", "Bearer " + GravixTestApp.ADMIN_TOKEN);
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().path("parameter").asText()).isEqualTo("seal");
    }

    @Test
    void aSecondInstanceOnTheSameDataDirectoryDoesNotStart() {
        DropwizardTestSupport<GravixConfiguration> second = GravixTestApp.support(dataDir);
        org.assertj.core.api.Assertions.assertThatThrownBy(second::before)
                .hasStackTraceContaining("another Gravix process is using the data directory");
        assertThat(rollupNow().status()).isEqualTo(200); // the first one is unharmed
    }

    @Test
    void rollupNowNeedsTheAdminToken() {
        for (GravixHttp.Answer answer : List.of(http.postAdmin("/tasks/rollup-now"),
                http.postAdmin("/tasks/rollup-now", "Authorization", "Bearer wrong"))) {
            assertThat(answer.status()).isEqualTo(401);
        }
    }

    private static void assertMetric(String metrics, String line) {
        assertThat(metrics).containsPattern(Pattern.compile("(?m)^" + line + "$"));
    }

    /** Sealed spool files on disk. */
    private static final class SpoolFilesLeft {
        static long sealed(Path dataDir) throws Exception {
            try (var files = Files.walk(dataDir.resolve("spool"))) {
                return files.filter(f -> f.toString().endsWith(".sealed")).count();
            }
        }
    }
}

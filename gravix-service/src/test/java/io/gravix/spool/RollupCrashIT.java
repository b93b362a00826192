package io.gravix.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Message;
import io.gravix.api.v1.RequestFact;
import io.gravix.CrashTestMain;
import io.gravix.api.v1.ServiceEvent;
import io.gravix.rollup.CrashPoint;
import io.gravix.rollup.CrashPoints;
import io.gravix.testing.LakeDuckDb;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Exactly-once through real crashes of the real jar: traffic with client retries and a
 * request carrying one event twice is acknowledged, {@code rollup-now} is started with
 * the process armed to stop at one step of the run ({@link CrashPoints}), and the process
 * is killed there with SIGKILL. A restart finishes the run; DuckDB then reads every event
 * in the lake exactly once with every field as sent. (Lives beside the crash harness,
 * {@link GravixProcess}.)
 */
class RollupCrashIT {
    private static final HttpClient ADMIN = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path dataDir;

    @ParameterizedTest
    @EnumSource(CrashPoint.class)
    void aRunKilledAtAnyStepIsFinishedAfterARestartWithEveryEventOnce(CrashPoint point) throws Exception {
        // Small files so that request_facts has several and FIRST_FILE_PUT lies between two puts.
        List<String> options = List.of("-Ddw.rollup.maxRowsPerFile=40", "-Ddw.rollup.interval=1h");
        Path logs = GravixProcess.targetDirectory().resolve("rollup-crash-it");
        Map<String, Map<String, Object>> expected = new LinkedHashMap<>();
        try (GravixProcess gravix = GravixProcess.startArmed(dataDir, logs.resolve(point + "-1.log"), options, point)) {
            sendTraffic(new IngestClient(gravix.ingestBase()), expected);
            CompletableFuture<HttpResponse<String>> rollup = ADMIN.sendAsync(rollupNow(gravix), HttpResponse.BodyHandlers.ofString());
            await("crash point " + point).atMost(Duration.ofSeconds(60))
                    .until(() -> gravix.logText().contains(CrashPoints.ANNOUNCEMENT + point));
            gravix.kill();
            assertThat(gravix.awaitExit(Duration.ofSeconds(30))).isEqualTo(GravixProcess.EXIT_SIGKILL);
            assertThat(rollup).isNotCompleted();
        }
        try (GravixProcess gravix = GravixProcess.start(dataDir, logs.resolve(point + "-2.log"), options)) {
            HttpResponse<String> answer = ADMIN.send(rollupNow(gravix), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertExactlyOnce(LakeDuckDb.requestFacts(dataDir.resolve("lake")), expected);
            assertExactlyOnce(LakeDuckDb.serviceEvents(dataDir.resolve("lake")), expected);
            assertThat(LakeDuckDb.requestFacts(dataDir.resolve("lake")).size()
                    + LakeDuckDb.serviceEvents(dataDir.resolve("lake")).size()).isEqualTo(expected.size());
            try (Stream<Path> spool = Files.walk(dataDir.resolve("spool"))) {
                assertThat(spool.filter(Files::isRegularFile).toList()).isEmpty();
            }
        }
    }

    @Test
    void theProductionEntryPointIgnoresEveryWayTheTestsArmACrashPoint() throws Exception {
        Path log = GravixProcess.targetDirectory().resolve("rollup-crash-it").resolve("production-ignores-crash-settings.log");
        List<String> options = List.of("-Ddw.rollup.interval=1h", "-D" + CrashTestMain.CRASH_AT + "=PLANNED");
        Map<String, Map<String, Object>> expected = new LinkedHashMap<>();
        try (GravixProcess gravix = GravixProcess.start(dataDir, log, options, Map.of("GRAVIX_TEST_CRASH_AT", "PLANNED"))) {
            sendTraffic(new IngestClient(gravix.ingestBase()), expected);

            HttpResponse<String> answer = ADMIN.send(rollupNow(gravix), HttpResponse.BodyHandlers.ofString());

            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(gravix.logText()).doesNotContain(CrashPoints.ANNOUNCEMENT).doesNotContain("TEST ENTRY POINT");
            assertExactlyOnce(LakeDuckDb.requestFacts(dataDir.resolve("lake")), expected);
        }
    }

    @Test
    void anArmedProcessThatNobodyKillsSaysSoAndHaltsInsteadOfHangingForever() throws Exception {
        Path log = GravixProcess.targetDirectory().resolve("rollup-crash-it").resolve("unkilled.log");
        List<String> options = List.of("-Ddw.rollup.interval=1h", "-D" + CrashTestMain.MAX_WAIT + "=PT2S");
        try (GravixProcess gravix = GravixProcess.startArmed(dataDir, log, options, CrashPoint.PLANNED)) {
            assertThat(gravix.logText()).contains("TEST ENTRY POINT", "armed");
            sendTraffic(new IngestClient(gravix.ingestBase()), new LinkedHashMap<>());

            CompletableFuture<HttpResponse<String>> rollup = ADMIN.sendAsync(rollupNow(gravix), HttpResponse.BodyHandlers.ofString());

            assertThat(gravix.awaitExit(Duration.ofSeconds(60))).isEqualTo(CrashPoints.UNKILLED_EXIT_STATUS);
            assertThat(gravix.logText()).contains(CrashPoints.ANNOUNCEMENT + CrashPoint.PLANNED)
                    .contains("nobody killed this process within PT2S; halting it now");
            assertThat(rollup).failsWithin(Duration.ofSeconds(30)); // the connection died with the process
        }
    }

    private static HttpRequest rollupNow(GravixProcess gravix) {
        return HttpRequest.newBuilder(gravix.adminUri("/tasks/rollup-now"))
                .timeout(Duration.ofSeconds(120))
                .header("Authorization", "Bearer " + GravixProcess.ADMIN_TOKEN)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
    }

    /** 60 random requests, 10 of them sent again (client retries), and one request with an event twice. */
    private static void sendTraffic(IngestClient client, Map<String, Map<String, Object>> expected) throws Exception {
        Random random = new Random(7);
        List<IngestClient.SentRequest> sent = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            sent.add(IngestClient.randomRequest(random, "r" + i));
        }
        RequestFact twice = IngestClient.randomRequestFact(random, "twice");
        sent.add(new IngestClient.SentRequest(io.gravix.spool.Table.REQUEST_FACTS, IngestClient.BodyForm.JSON_ARRAY,
                List.of(twice, IngestClient.randomRequestFact(random, "other"), twice)));
        sent.addAll(sent.subList(0, 10));
        for (IngestClient.SentRequest request : sent) {
            HttpResponse<String> response = client.send(request);
            assertThat(IngestClient.isAcknowledgement(response.statusCode(), response.body(), request))
                    .as("%s answered %d %s", request, response.statusCode(), response.body()).isTrue();
            for (Message event : request.events()) {
                expected.putIfAbsent(IngestClient.eventId(event), event instanceof RequestFact f
                        ? LakeDuckDb.expected(f, GravixProcess.API_KEY_NAME, 0)
                        : LakeDuckDb.expected((ServiceEvent) event, GravixProcess.API_KEY_NAME, 0));
            }
        }
    }

    private static void assertExactlyOnce(List<Map<String, Object>> rows, Map<String, Map<String, Object>> expected) {
        Map<String, Integer> copies = new HashMap<>();
        for (Map<String, Object> row : rows) {
            String id = (String) row.get("event_id");
            copies.merge(id, 1, Integer::sum);
            Map<String, Object> columns = LakeDuckDb.contractColumns(row);
            columns.put("ingested_at", 0L); // set by the server when it accepted the request
            assertThat(columns).as("row of %s", id).isEqualTo(expected.get(id));
        }
        assertThat(copies).allSatisfy((id, n) -> assertThat(n).as("copies of %s", id).isEqualTo(1));
    }
}

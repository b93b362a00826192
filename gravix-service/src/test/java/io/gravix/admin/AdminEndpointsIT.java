package io.gravix.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.gravix.spool.GravixProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The README's quick start as an operator runs it (the jar, the shipped config.yml, no API key
 * of its own; an admin token), and what each admin endpoint answers with and without the token.
 */
class AdminEndpointsIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    static Path dataDir;
    private static GravixProcess gravix;

    @BeforeAll
    static void startTheQuickStart() throws Exception {
        Path log = GravixProcess.targetDirectory().resolve("admin-endpoints-it.log");
        gravix = GravixProcess.start(dataDir, log, List.of(), Map.of("GRAVIX_API_KEY", "")); // "" unsets it
    }

    @AfterAll
    static void stop() {
        gravix.close();
    }

    @Test
    void theQuickStartAcceptsTheDevelopmentKeyAndSaysSoLoudly() throws Exception {
        String event = "{\"event_id\":\"dev-1\",\"timestamp\":\"" + Instant.now().truncatedTo(ChronoUnit.SECONDS)
                + "\",\"service\":\"checkout\",\"route\":\"/v1/orders\",\"method\":\"GET\",\"status_code\":200,\"duration_ms\":1.5}";
        HttpRequest request = HttpRequest.newBuilder(gravix.ingestBase().resolve("/v1/request-facts"))
                .header("Authorization", "Bearer gravix-dev-key").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(event)).build();

        HttpResponse<String> answer = HTTP.send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        assertThat(gravix.logText()).contains("DEVELOPMENT API KEY ACTIVE");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/live", "/ready", "/healthcheck", "/ping", "/metrics", "/", "/console"})
    void probesHealthAndMetricsAreOpen(String path) throws Exception {
        assertThat(get(path, null).statusCode()).isEqualTo(200);
    }

    @Test
    void theMetricsAreThePrometheusExposition() throws Exception {
        assertThat(get("/metrics", null).body()).contains("# TYPE batch_fsync_duration_seconds histogram");
    }

    @Test
    void threadDumpsNeedTheAdminToken() throws Exception {
        assertThat(get("/threads", null).statusCode()).isEqualTo(401);
        assertThat(get("/threads", "wrong-token").statusCode()).isEqualTo(401);

        HttpResponse<String> withToken = get("/threads", GravixProcess.ADMIN_TOKEN);
        assertThat(withToken.statusCode()).isEqualTo(200);
        assertThat(withToken.body()).contains("\"ingest-ack-1\" id=").contains(" state=");
    }

    @Test
    void theConsolesLiveTapNeedsTheAdminToken() throws Exception {
        assertThat(get("/console/tap?table=request_facts", null).statusCode()).isEqualTo(401);
        assertThat(get("/console/tap?table=request_facts", "wrong-token").statusCode()).isEqualTo(401);
        HttpResponse<String> withToken = get("/console/tap?table=request_facts", GravixProcess.ADMIN_TOKEN);
        assertThat(withToken.statusCode()).isEqualTo(200);
        assertThat(withToken.body()).startsWith("{\"table\":\"request_facts\",\"events\":[");
        assertThat(get("/console/tap;x?table=request_facts", null).statusCode()).isNotEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/threads/", "/threads;x", "/./threads", "/tasks/../threads", "/THREADS"})
    void noSpellingOfTheThreadDumpGetsAroundTheToken(String path) throws Exception {
        assertThat(get(path, null).statusCode()).isNotEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/tasks/gc", "/tasks/log-level", "/tasks/seal-now", "/tasks/rollup-now", "/tasks/dlq-list"})
    void everyTaskNeedsTheAdminToken(String path) throws Exception {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(gravix.adminUri(path))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(answer.body()).contains("admin token");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/pprof", "/pprof?duration=1", "/metrics/counters"})
    void theProfilerAndTheJsonMetricsAreOffEvenWithTheToken(String path) throws Exception {
        assertThat(get(path, null).statusCode()).isEqualTo(404);
        assertThat(get(path, GravixProcess.ADMIN_TOKEN).statusCode()).isEqualTo(404);
    }

    @Test
    void theMenuPageLinksOnlyToWhatIsOn() throws Exception {
        assertThat(get("/", null).body()).contains("healthcheck", "threads").doesNotContain("pprof");
    }

    private static HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gravix.adminUri("") + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}

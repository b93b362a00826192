package io.gravix.loadgen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Asks the server to roll up now ({@code POST /tasks/rollup-now} on the admin port, with
 * the admin token), so a verification need not wait for the scheduled rollup. Never
 * fatal: whatever happens (no admin URL or token, a refused token, a server without the
 * task, an unreachable port) the verification polls the lake anyway and the scheduler
 * rolls the events up within its interval; the outcome is reported as one line.
 */
final class RollupTrigger {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI adminUrl;
    private final String adminToken;
    private final Duration timeout;

    /** @param adminUrl admin base URL, or null; @param adminToken or null; @param timeout for the whole rollup */
    RollupTrigger(URI adminUrl, String adminToken, Duration timeout) {
        this.adminUrl = adminUrl;
        this.adminToken = adminToken == null || adminToken.isEmpty() ? null : adminToken;
        this.timeout = timeout;
    }

    /** Triggers a rollup and waits for it; returns what happened, for the report. */
    String trigger() throws InterruptedException {
        if (adminUrl == null || adminToken == null) {
            return "rollup-now: not called (needs --admin-url and --admin-token); waiting for the scheduled rollup";
        }
        URI task = adminUrl.resolve("/tasks/rollup-now");
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(task)
                .timeout(timeout)
                .header("Authorization", "Bearer " + adminToken)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            String body = response.body().strip();
            if (response.statusCode() / 100 == 2) {
                return "rollup-now: " + summary(body);
            }
            return "rollup-now: " + task + " answered " + response.statusCode() + " " + body + "; waiting for the scheduled rollup";
        } catch (IOException e) {
            return "rollup-now: " + task + " failed (" + e + "); waiting for the scheduled rollup";
        }
    }

    /** The task's totals ({@code RollupNowTask}'s answer without its per-run details, which list every file). */
    static String summary(String body) {
        try {
            JsonNode answer = JSON.readTree(body);
            if (answer.has("runs") && answer.has("events")) {
                return String.format("%d runs, %d events, %d duplicates dropped, %d files, %d bytes, %d dead-lettered",
                        answer.path("runs").asLong(), answer.path("events").asLong(), answer.path("duplicates").asLong(),
                        answer.path("files").asLong(), answer.path("bytes").asLong(), answer.path("deadLettered").size());
            }
        } catch (IOException e) {
            // not the JSON this version of Gravix answers: show it as it is
        }
        return body;
    }
}

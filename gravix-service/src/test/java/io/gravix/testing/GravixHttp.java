package io.gravix.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A small client for a running Gravix: the application port (ingest) and the
 * admin port (probes, metrics, tasks), over {@link HttpClient} on loopback.
 * Sends exactly the headers it is given, so tests can leave out Content-Type or keys.
 */
public final class GravixHttp {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT)
            .build();
    private final URI app;
    private final URI admin;

    public GravixHttp(int appPort, int adminPort) {
        this.app = URI.create("http://127.0.0.1:" + appPort);
        this.admin = URI.create("http://127.0.0.1:" + adminPort);
    }

    /** A status, headers and body as text. */
    public record Answer(int status, HttpHeaders headers, String body) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("answer is not JSON: " + body, e);
            }
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    /** A request to the application port; {@code headers} are name, value pairs. */
    public HttpRequest.Builder appRequest(String path, String... headers) {
        return request(app, path, headers);
    }

    public HttpRequest.Builder adminRequest(String path, String... headers) {
        return request(admin, path, headers);
    }

    /** POSTs {@code body} to the application port with exactly {@code headers}. */
    public Answer post(String path, byte[] body, String... headers) {
        return send(appRequest(path, headers).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    /** POSTs with the "tests" key as a bearer token and the given Content-Type. */
    public Answer ingest(String path, String contentType, byte[] body) {
        return post(path, body, "Authorization", "Bearer " + GravixTestApp.API_KEY, "Content-Type", contentType);
    }

    public Answer getAdmin(String path) {
        return send(adminRequest(path).GET().build());
    }

    public Answer postAdmin(String path, String... headers) {
        return send(adminRequest(path, headers).POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    /** Runs the seal-now task and checks that it succeeded: every open spool file is sealed when it returns. */
    public void sealNow() {
        Answer answer = postAdmin("/tasks/seal-now", "Authorization", "Bearer " + GravixTestApp.ADMIN_TOKEN);
        assertThat(answer.status()).as("seal-now answer: %s", answer.body()).isEqualTo(200);
    }

    public Answer send(HttpRequest request) {
        try {
            HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Answer(r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static HttpRequest.Builder request(URI base, String path, String... headers) {
        if (headers.length % 2 != 0) {
            throw new IllegalArgumentException("headers must be name, value pairs");
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return b;
    }
}

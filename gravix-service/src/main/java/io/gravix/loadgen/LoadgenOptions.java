package io.gravix.loadgen;

import static java.util.Objects.requireNonNull;

import java.net.URI;

/**
 * What one load run does.
 *
 * @param url base URL of the ingest API, e.g. http://127.0.0.1:8080
 * @param adminUrl base URL of the admin port, or null; when set, fsync figures are read from /metrics
 * @param apiKey sent as a Bearer token
 * @param table "request-facts" or "service-events"
 * @param format json, ndjson or protobuf
 * @param events distinct events to send
 * @param batch events per request
 * @param concurrency client threads
 * @param rate events per second to aim for; 0 = as fast as the server answers
 * @param gzip whether bodies are gzip-compressed
 * @param duplicateRatio requests retried as a client would, as a share of all requests (0.05 = 5 %)
 * @param runTag the prefix of the run's event ids ({@code <run tag>-<n>}), or null for a new one ({@code lg<time>})
 */
public record LoadgenOptions(URI url, URI adminUrl, String apiKey, String table, String format, long events, int batch,
                             int concurrency, double rate, boolean gzip, double duplicateRatio, String runTag) {
    /** Event ids allow {@code [A-Za-z0-9._:-]} (DESIGN.md); the run tag leaves room for {@code -<n>}. */
    private static final java.util.regex.Pattern RUN_TAG = java.util.regex.Pattern.compile("[A-Za-z0-9._:-]{1,100}");

    public LoadgenOptions {
        requireNonNull(url, "url is null");
        requireNonNull(apiKey, "apiKey is null");
        if (!table.equals("request-facts") && !table.equals("service-events")) {
            throw new IllegalArgumentException("--table must be request-facts or service-events");
        }
        if (!format.equals("json") && !format.equals("ndjson") && !format.equals("protobuf")) {
            throw new IllegalArgumentException("--format must be json, ndjson or protobuf");
        }
        if (events < 1 || batch < 1 || concurrency < 1 || rate < 0) {
            throw new IllegalArgumentException("--events, --batch and --concurrency must be positive, --rate not negative");
        }
        if (!(duplicateRatio >= 0 && duplicateRatio <= 1)) {
            throw new IllegalArgumentException("--duplicate-ratio must be between 0 and 1");
        }
        if (runTag != null && !RUN_TAG.matcher(runTag).matches()) {
            throw new IllegalArgumentException("--run-tag must be 1 to 100 characters of A-Z a-z 0-9 . _ : -");
        }
    }
}

package io.gravix.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Timestamp;
import com.google.protobuf.UnknownFieldSet;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.gravix.GravixConfiguration;
import io.gravix.api.v1.RequestFact;
import io.gravix.api.v1.RequestFactBatch;
import io.gravix.api.v1.ServiceEvent;
import io.gravix.api.v1.ServiceEventBatch;
import io.gravix.spool.Table;
import io.gravix.testing.EventBodies;
import io.gravix.testing.GravixHttp;
import io.gravix.testing.GravixTestApp;
import io.gravix.testing.SpoolContents;
import io.gravix.testing.TestEvents;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad requests to both ingest endpoints (DESIGN.md §3, §4), one table row each:
 * the status, an error body whose message or details name the field or limit
 * at fault, and nothing in the spool. This class has its own data directory and
 * sends only bad requests, so after every case the spool must hold no file and
 * no frame at all.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class IngestBadInputIT {
    private static final Path DATA_DIR = GravixTestApp.newDataDir("IngestBadInputIT");
    private static final DropwizardAppExtension<GravixConfiguration> APP = GravixTestApp.extension(DATA_DIR);

    private static final String RF = "/v1/request-facts";
    private static final String SE = "/v1/service-events";
    private static final String JSON = "application/json";
    private static final String NDJSON = "application/x-ndjson";
    private static final String PROTOBUF = "application/x-protobuf";
    private static final String BEARER = "Bearer " + GravixTestApp.API_KEY;
    private static final int MIB = 1024 * 1024;

    private static GravixHttp http;

    @BeforeAll
    static void connect() {
        http = new GravixHttp(APP.getLocalPort(), APP.getAdminPort());
    }

    /** Checks the JSON error body. */
    @FunctionalInterface
    private interface Expect {
        void check(JsonNode error);
    }

    /** One row: what is sent and what must come back. {@code streamed} sends the body chunked, without Content-Length. */
    private record BadInput(String name, String path, String[] headers, byte[] body, boolean streamed, int status, Expect expect) {
        BadInput with(String header, String value) {
            String[] more = Arrays.copyOf(headers, headers.length + 2);
            more[headers.length] = header;
            more[headers.length + 1] = value;
            return new BadInput(name, path, more, body, streamed, status, expect);
        }

        BadInput withoutContentLength() {
            return new BadInput(name, path, headers, body, true, status, expect);
        }

        BadInput gzipped() {
            return new BadInput(name, path, headers, EventBodies.gzip(body), streamed, status, expect)
                    .with("Content-Encoding", "gzip");
        }

        @Override
        public String toString() {
            return name;
        }
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("badInputs")
    void badInputIsRefusedWithANamedReasonAndNothingIsStored(BadInput input) {
        HttpRequest.BodyPublisher body = input.streamed()
                ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(input.body()))
                : HttpRequest.BodyPublishers.ofByteArray(input.body());

        GravixHttp.Answer answer = http.send(http.appRequest(input.path(), input.headers()).POST(body).build());

        assertThat(answer.status()).as("status; answer: %s", answer.body()).isEqualTo(input.status());
        assertThat(answer.header("Content-Type")).startsWith("application/json");
        // Client mistakes are answered briefly: a huge bad value is never echoed back.
        assertThat(answer.body().length()).as("answer size").isLessThan(4096);
        JsonNode error = answer.json();
        assertThat(error.path("error").asText()).as("error message").isNotBlank();
        assertThat(error.path("details").isArray()).as("details array in %s", answer.body()).isTrue();
        input.expect().check(error);
    }

    @AfterEach
    void nothingReachedTheSpool() {
        http.sealNow();
        for (Table table : Table.values()) {
            assertThat(SpoolContents.files(DATA_DIR, table, "")).as("%s spool files", table).isEmpty();
        }
        assertThat(SpoolContents.frameCount(DATA_DIR)).isZero();
    }

    @Test
    void unknownKeyGetsTheSameAnswerAsAMissingKey() {
        byte[] body = EventBodies.bytes(rf());
        GravixHttp.Answer missing = http.post(RF, body, "Content-Type", JSON);
        List<GravixHttp.Answer> unknown = List.of(
                http.post(RF, body, "Authorization", "Bearer not-a-key", "Content-Type", JSON),
                http.post(RF, body, "X-Api-Key", "not-a-key", "Content-Type", JSON),
                http.post(RF, body, "Authorization", "Basic dGVzdC1rZXk=", "Content-Type", JSON),
                http.post(SE, EventBodies.bytes(se()), "Authorization", "Bearer " + GravixTestApp.ADMIN_TOKEN, "Content-Type", JSON));

        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.header("WWW-Authenticate")).startsWith("Bearer");
        for (GravixHttp.Answer answer : unknown) {
            assertThat(answer.status()).isEqualTo(401);
            assertThat(answer.body()).isEqualTo(missing.body());
            assertThat(answer.header("WWW-Authenticate")).isEqualTo(missing.header("WWW-Authenticate"));
        }
    }

    @Test
    void refusalSentBeforeTheBodyIsReadAnnouncesConnectionClose() throws IOException {
        // Headers only: the body the server would have to skip never arrives.
        for (String headers : List.of(
                "X-Api-Key: not-a-key\r\nContent-Type: application/json\r\n",
                "X-Api-Key: " + GravixTestApp.API_KEY + "\r\nContent-Type: text/plain\r\n")) {
            try (Socket socket = new Socket("127.0.0.1", APP.getLocalPort())) {
                socket.setSoTimeout(30_000);
                socket.getOutputStream().write(("POST " + RF + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers
                        + "Content-Length: 100\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();

                // The server closes after its answer, so reading to the end terminates.
                String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                String head = answer.substring(0, answer.indexOf("\r\n\r\n")).toLowerCase(Locale.ROOT);
                assertThat(head).matches("(?s)http/1\\.1 (401|415) .*").contains("\r\nconnection: close");
            }
        }
    }

    /**
     * A body whose Content-Length is over the limit is refused before any of it is read. Sent
     * here as a careful client sends a large body (curl does over 1 MiB), asking to continue
     * first: a client that sends it at once races the answer and close, and may see the
     * connection reset before it reads the 413 (the JDK's HttpClient did, now and then). The
     * JDK 17 client cannot ask (its expect-continue waits forever on a final answer), so a socket.
     */
    @Test
    void aBodyDeclaredOverTheLimitIsRefusedBeforeTheClientIsAskedToSendIt() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", APP.getLocalPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("POST " + RF + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "Authorization: " + BEARER + "\r\n"
                    + "Content-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: " + (MIB + 1) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();

            // No "100 Continue" first: the answer is final, and the server closes after it.
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String head = answer.substring(0, answer.indexOf("\r\n\r\n")).toLowerCase(Locale.ROOT);
            assertThat(head).startsWith("http/1.1 413 ").contains("\r\nconnection: close").contains("content-type: application/json");
            assertThat(answer.substring(head.length())).contains("request body of " + (MIB + 1) + " bytes exceeds the limit")
                    .contains("maxBodySize");
        }
    }

    @Test
    void clientReusingItsConnectionsGetsEveryRefusal() {
        byte[] body = EventBodies.bytes(rf());
        for (int i = 0; i < 40; i++) {
            GravixHttp.Answer answer = i % 2 == 0
                    ? http.post(RF, body, "X-Api-Key", "not-a-key", "Content-Type", JSON)
                    : http.post(SE, body, "Authorization", BEARER, "Content-Type", "text/plain");
            assertThat(answer.status()).isEqualTo(i % 2 == 0 ? 401 : 415);
        }
    }

    static Stream<BadInput> badInputs() {
        List<BadInput> cases = new ArrayList<>();
        cases.addAll(syntaxAndTypes());
        cases.addAll(requestFactConstraints());
        cases.addAll(serviceEventConstraints());
        cases.addAll(bodiesAndLimits());
        cases.addAll(headers());
        cases.addAll(protobuf());
        cases.addAll(notWhatItClaims());
        return cases.stream();
    }

    private static List<BadInput> syntaxAndTypes() {
        String valid = text(rf());
        return List.of(
                bad("malformed JSON (request fact)", RF, JSON, utf8("{\"eventId\": \"a\",, }"), 400, error("malformed JSON")),
                bad("malformed JSON (service event)", SE, JSON, utf8("{eventId: 'a'}"), 400, error("malformed JSON")),
                bad("truncated JSON object", RF, JSON, utf8(valid.substring(0, valid.length() / 2)), 400, error("malformed JSON")),
                bad("truncated JSON array", SE, JSON, utf8("[" + text(se()) + ",{\"eventId\":\"x\""), 400, error("malformed JSON")),
                bad("truncated NDJSON line", RF, NDJSON, utf8(valid + "\n" + valid.substring(0, 40)), 400, error("malformed JSON")),
                bad("string for status_code", RF, JSON, rfWith(e -> e.put("statusCode", "OK")), 400, field("status_code", "integer")),
                bad("number for service", RF, JSON, rfWith(e -> e.put("service", 42)), 400, field("service", "string")),
                bad("object for route", RF, JSON, rfWith(e -> e.putObject("route").put("path", "/x")), 400, field("route", "string")),
                bad("array for method", RF, JSON, rfWith(e -> e.putArray("method").add("GET")), 400, field("method", "string")),
                bad("boolean for duration_ms", RF, JSON, rfWith(e -> e.put("durationMs", true)), 400, field("duration_ms", "number")),
                bad("array for service event attributes", SE, JSON, seWith(e -> e.putArray("attributes").add("a")), 400, field("attributes")),
                bad("unknown field (request fact)", RF, JSON, rfWith(e -> e.put("colour", "red")), 400, field("colour", "unknown field")),
                bad("unknown field (service event)", SE, JSON, seWith(e -> e.put("severity", "high")), 400, field("severity", "unknown field")),
                bad("field name in the wrong case", RF, JSON, rfWith(e -> e.set("EventId", e.remove("eventId"))), 400, field("EventId", "unknown field")),
                bad("invalid UTF-8 inside a JSON string", RF, JSON,
                        replace(EventBodies.bytes(rf()), "checkout", new byte[] {'c', (byte) 0xC3, 0x28, 'x'}), 400, error("UTF-8")),
                bad("lone continuation byte inside a JSON string", SE, NDJSON,
                        replace(EventBodies.bytes(se()), "ci-bot", new byte[] {'c', (byte) 0x80, 'i'}), 400, error("UTF-8")),
                bad("duplicate key", RF, JSON, utf8("{\"service\":\"billing\"," + valid.substring(1)), 400, field("service", "more than once")),
                bad("camelCase and snake_case of one field", RF, JSON,
                        utf8("{\"status_code\":200," + valid.substring(1)), 400, field("status_code", "more than once")),
                bad("duplicate attribute key", SE, JSON,
                        utf8(text(se()).replace("\"git.sha\":\"abc123\"", "\"git.sha\":\"abc123\",\"git.sha\":\"def456\"")), 400,
                        field("attributes[\"git.sha\"]", "more than once")),
                bad("raw NaN token", RF, JSON, utf8(replaceText(valid, "\"durationMs\":12.75", "\"durationMs\":NaN")), 400, error("malformed JSON")),
                bad("raw Infinity token", RF, JSON, utf8(replaceText(valid, "\"durationMs\":12.75", "\"durationMs\":Infinity")), 400, error("malformed JSON")),
                bad("raw -Infinity token", RF, NDJSON, utf8(replaceText(valid, "\"durationMs\":12.75", "\"durationMs\":-Infinity")), 400, error("malformed JSON")),
                bad("\"NaN\" string for duration_ms", RF, JSON, rfWith(e -> e.put("durationMs", "NaN")), 400, field("duration_ms", "finite")),
                bad("\"Infinity\" string for duration_ms", RF, JSON, rfWith(e -> e.put("durationMs", "Infinity")), 400, field("duration_ms", "finite")),
                bad("trailing content after the JSON value", RF, JSON, utf8(valid + " {}"), 400, error("after the JSON value")));
    }

    private static List<BadInput> requestFactConstraints() {
        return List.of(
                rfInvalid("event_id empty", e -> e.put("eventId", ""), field("event_id", "at least 1")),
                rfInvalid("event_id of 129 characters", e -> e.put("eventId", "e".repeat(129)), field("event_id", "at most 128")),
                rfInvalid("event_id with a space", e -> e.put("eventId", "order 1"), field("event_id", "pattern")),
                rfInvalid("event_id of 100,000 characters", e -> e.put("eventId", "x".repeat(100_000)), field("event_id", "at most 128")),
                rfInvalid("timestamp missing", e -> e.remove("timestamp"), field("timestamp", "required")),
                rfInvalid("timestamp 8 days ago", e -> e.put("timestamp", Instant.now().minus(Duration.ofDays(8)).toString()),
                        field("timestamp", "maxEventAge")),
                rfInvalid("timestamp 10 minutes ahead", e -> e.put("timestamp", Instant.now().plus(Duration.ofMinutes(10)).toString()),
                        field("timestamp", "maxClockSkew")),
                rfInvalid("timestamp not RFC 3339", e -> e.put("timestamp", "2026-01-01 10:00:00"), field("timestamp", "RFC 3339")),
                rfInvalid("timestamp as epoch seconds", e -> e.put("timestamp", 1767261600), field("timestamp", "string")),
                rfInvalid("service missing", e -> e.remove("service"), field("service", "at least 1")),
                rfInvalid("service uppercase", e -> e.put("service", "Checkout"), field("service", "pattern")),
                rfInvalid("service of 65 characters", e -> e.put("service", "s".repeat(65)), field("service", "at most 64")),
                rfInvalid("environment with bad characters", e -> e.put("environment", "prod env!"), field("environment", "pattern")),
                rfInvalid("route missing", e -> e.remove("route"), field("route", "at least 1")),
                rfInvalid("route not starting with /", e -> e.put("route", "v1/orders"), field("route", "prefix")),
                rfInvalid("method not in the list", e -> e.put("method", "FETCH"), field("method", "in list")),
                rfInvalid("method in lowercase", e -> e.put("method", "get"), field("method", "in list")),
                rfInvalid("status_code 99", e -> e.put("statusCode", 99), field("status_code", "greater than or equal to 100")),
                rfInvalid("status_code 600", e -> e.put("statusCode", 600), field("status_code", "less than or equal to 599")),
                rfInvalid("status_code missing", e -> e.remove("statusCode"), field("status_code", "required")),
                rfInvalid("status_code negative", e -> e.put("statusCode", -200), field("status_code", "negative")),
                rfInvalid("duration_ms negative", e -> e.put("durationMs", -0.5), field("duration_ms", "greater than or equal to 0")),
                rfInvalid("duration_ms over 3,600,000", e -> e.put("durationMs", 3_600_000.5), field("duration_ms", "less than or equal to 3600000")),
                rfInvalid("duration_ms missing", e -> e.remove("durationMs"), field("duration_ms", "required")),
                rfInvalid("trace_id in uppercase hex", e -> e.put("traceId", "4BF92F3577B34DA6A3CE929D0E0E4736"), field("trace_id", "pattern")),
                rfInvalid("trace_id of 31 characters", e -> e.put("traceId", "4bf92f3577b34da6a3ce929d0e0e473"), field("trace_id", "pattern")),
                rfInvalid("17 attributes", e -> {
                    ObjectNode attributes = e.putObject("attributes");
                    for (int i = 0; i < 17; i++) {
                        attributes.put("k" + i, "v");
                    }
                }, field("attributes", "at most 16")),
                rfInvalid("attribute key with bad characters", e -> ((ObjectNode) e.get("attributes")).put("Bad-Key", "v"), field("attributes[\"Bad-Key\"]", "pattern")),
                rfInvalid("attribute value of 257 characters", e -> ((ObjectNode) e.get("attributes")).put("region", "r".repeat(257)),
                        field("attributes[\"region\"]", "at most 256")),
                rfInvalid("attribute with a number value", e -> ((ObjectNode) e.get("attributes")).put("count", 5), field("attributes[\"count\"]", "strings")),
                rfInvalid("client_id of 129 characters", e -> e.put("clientId", "c".repeat(129)), field("client_id", "at most 128")),
                bad("only event 3 of 5 invalid (JSON array)", RF, JSON, rfArrayWithBadThird(), 400, onlyDetail(3, "status_code")),
                bad("gzip body with an invalid event", RF, JSON, rfWith(e -> e.put("method", "FETCH")), 400, field("method", "in list"))
                        .gzipped());
    }

    private static List<BadInput> serviceEventConstraints() {
        return List.of(
                seInvalid("kind missing", e -> e.remove("kind"), field("kind", "required")),
                seInvalid("kind KIND_UNSPECIFIED", e -> e.put("kind", "KIND_UNSPECIFIED"), field("kind", "required")),
                seInvalid("unknown kind name", e -> e.put("kind", "EXPLODED"), field("kind", "EXPLODED")),
                seInvalid("undefined kind number", e -> e.put("kind", 99), field("kind", "defined enum values")),
                seInvalid("message of 4097 characters", e -> e.put("message", "m".repeat(4097)), field("message", "at most 4096")),
                seInvalid("version of 129 characters", e -> e.put("version", "v".repeat(129)), field("version", "at most 128")),
                seInvalid("actor of 129 characters", e -> e.put("actor", "a".repeat(129)), field("actor", "at most 128")),
                seInvalid("service event: event_id with a slash", e -> e.put("event_id", "a/b").remove("eventId"), field("event_id", "pattern")),
                seInvalid("service event: service uppercase", e -> e.put("service", "Checkout"), field("service", "pattern")),
                seInvalid("service event: timestamp 8 days ago", e -> e.put("timestamp", Instant.now().minus(Duration.ofDays(8)).toString()),
                        field("timestamp", "maxEventAge")),
                seInvalid("service event: 17 attributes", e -> {
                    ObjectNode attributes = e.putObject("attributes");
                    for (int i = 0; i < 17; i++) {
                        attributes.put("k" + i, "v");
                    }
                }, field("attributes", "at most 16")),
                bad("only event 3 of 5 invalid (NDJSON)", SE, NDJSON, seNdjsonWithBadThird(), 400, onlyDetail(3, "kind")));
    }

    private static List<BadInput> bodiesAndLimits() {
        List<ObjectNode> tooMany = new ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            tooMany.add(EventBodies.json(TestEvents.requestFact("many-" + i)));
        }
        List<ObjectNode> tooManyEvents = new ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            tooManyEvents.add(EventBodies.json(TestEvents.serviceEvent("many-" + i)));
        }
        return List.of(
                bad("empty body", RF, JSON, new byte[0], 400, error("empty")),
                bad("empty NDJSON body of blank lines", SE, NDJSON, utf8("\n\n"), 400, error("no events")),
                bad("empty JSON array", RF, JSON, utf8("[]"), 400, error("no events")),
                bad("JSON null as body", SE, JSON, utf8("null"), 400, error("object or an array")),
                bad("JSON number as body", RF, JSON, utf8("42"), 400, error("object or an array")),
                bad("JSON string as body", SE, JSON, utf8("\"event\""), 400, error("object or an array")),
                bad("array of numbers", RF, JSON, utf8("[1, 2]"), 400, error("not a JSON object")),
                bad("NDJSON line holding an array", SE, NDJSON, utf8("[" + text(se()) + "]\n"), 400, error("not a JSON object")),
                bad("body over 1 MiB without Content-Length", SE, NDJSON, new byte[MIB + 4096], 413, error("maxBodySize")).withoutContentLength(),
                bad("gzip bomb: 10 MiB of zeros", RF, JSON, EventBodies.gzip(new byte[10 * MIB]), 413, error("maxDecompressedSize"))
                        .with("Content-Encoding", "gzip"),
                bad("invalid gzip bytes", SE, JSON, EventBodies.bytes(se()), 400, error("gzip")).with("Content-Encoding", "gzip"),
                bad("truncated gzip stream", RF, JSON, truncate(EventBodies.gzip(EventBodies.bytes(rf())), 10), 400, error("gzip"))
                        .with("Content-Encoding", "gzip"),
                bad("gzip of an empty body", RF, JSON, EventBodies.gzip(new byte[0]), 400, error("empty"))
                        .with("Content-Encoding", "gzip"),
                bad("1001 events in a JSON array", RF, JSON, EventBodies.array(tooMany), 413, error("maxEventsPerRequest")),
                bad("1001 events in NDJSON", SE, NDJSON, EventBodies.ndjson(tooManyEvents), 413, error("maxEventsPerRequest")),
                bad("1001 events in protobuf", SE, PROTOBUF,
                        ServiceEventBatch.newBuilder().addAllEvents(TestEvents.serviceEvents("many", 1001)).build().toByteArray(), 413,
                        error("maxEventsPerRequest")));
    }

    private static List<BadInput> headers() {
        byte[] rf = EventBodies.bytes(rf());
        byte[] se = EventBodies.bytes(se());
        return List.of(
                bad("Content-Encoding br", RF, JSON, rf, 415, error("Content-Encoding")).with("Content-Encoding", "br"),
                bad("Content-Type text/plain", SE, "text/plain", se, 415, error("Content-Type")),
                bad("Content-Type application/xml", RF, "application/xml", rf, 415, error("Content-Type")),
                new BadInput("Content-Type missing", RF, new String[] {"Authorization", BEARER}, rf, false, 415, error("Content-Type")),
                bad("charset ISO-8859-1", SE, "application/json; charset=ISO-8859-1", se, 415, error("charset")),
                bad("charset UTF-16 on NDJSON", RF, "application/x-ndjson; charset=utf-16", rf, 415, error("charset")),
                new BadInput("API key missing", RF, new String[] {"Content-Type", JSON}, rf, false, 401, error("API key")),
                new BadInput("unknown bearer key", SE, new String[] {"Authorization", "Bearer nope", "Content-Type", JSON}, se, false, 401,
                        error("API key")),
                new BadInput("unknown X-Api-Key", RF, new String[] {"X-Api-Key", "nope", "Content-Type", JSON}, rf, false, 401,
                        error("API key")),
                new BadInput("empty bearer key", RF, new String[] {"Authorization", "Bearer ", "Content-Type", JSON}, rf, false, 401,
                        error("API key")));
    }

    private static List<BadInput> protobuf() {
        RequestFact fact = TestEvents.requestFact("pb-1");
        ServiceEvent event = TestEvents.serviceEvent("pb-1");
        byte[] validBatch = RequestFactBatch.newBuilder().addFacts(fact).build().toByteArray();
        return List.of(
                bad("protobuf: garbage bytes", RF, PROTOBUF, new byte[] {0x0A, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
                        (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x01}, 400, error("protobuf")),
                bad("protobuf: JSON sent as protobuf", SE, PROTOBUF, EventBodies.bytes(se()), 400, error("protobuf")),
                bad("protobuf: truncated batch", RF, PROTOBUF, truncate(validBatch, 5), 400, error("protobuf")),
                bad("protobuf: invalid UTF-8 in a string field", RF, PROTOBUF,
                        batchOf(concat(fact.toBuilder().clearService().build().toByteArray(),
                                field(3, new byte[] {'c', (byte) 0xC3, 0x28}))), 400, error("UTF-8")),
                bad("protobuf: unknown field number 99 in a request fact", RF, PROTOBUF,
                        batchOf(concat(fact.toByteArray(), varintField(99, 7))), 400, field("#99", "unknown field")),
                bad("protobuf: unknown field number 42 in a service event", SE, PROTOBUF,
                        batchOf(concat(event.toByteArray(), field(42, utf8("surprise")))), 400, field("#42", "unknown field")),
                bad("protobuf: unknown field number 2 in the batch", RF, PROTOBUF, concat(validBatch, varintField(2, 1)), 400,
                        error("unknown field number 2")),
                bad("protobuf: unknown field number 3 in a timestamp", SE, PROTOBUF,
                        batchOf(concat(event.toBuilder().clearTimestamp().build().toByteArray(),
                                field(2, concat(event.getTimestamp().toByteArray(), varintField(3, 1))))), 400,
                        field("timestamp.#3", "unknown field")),
                bad("protobuf: status_code 600", RF, PROTOBUF,
                        RequestFactBatch.newBuilder().addFacts(fact.toBuilder().setStatusCode(600)).build().toByteArray(), 400,
                        field("status_code", "less than or equal to 599")),
                bad("protobuf: timestamp with nanos out of range", RF, PROTOBUF,
                        RequestFactBatch.newBuilder().addFacts(fact.toBuilder().setTimestamp(
                                Timestamp.newBuilder(fact.getTimestamp()).setNanos(1_000_000_000))).build().toByteArray(), 400,
                        field("timestamp", "Timestamp")),
                bad("protobuf: kind KIND_UNSPECIFIED", SE, PROTOBUF,
                        ServiceEventBatch.newBuilder().addEvents(event.toBuilder().setKind(ServiceEvent.Kind.KIND_UNSPECIFIED)).build().toByteArray(),
                        400, field("kind", "required")),
                bad("protobuf: undefined kind number", SE, PROTOBUF,
                        ServiceEventBatch.newBuilder().addEvents(event.toBuilder().setKindValue(99)).build().toByteArray(),
                        400, field("kind", "defined enum values")),
                bad("protobuf: only event 3 of 5 invalid", SE, PROTOBUF, seProtobufWithBadThird(), 400, onlyDetail(3, "message")));
    }

    /** Bodies whose bytes are not what their headers say: refused, never stored altered. */
    private static List<BadInput> notWhatItClaims() {
        List<BadInput> cases = new ArrayList<>();
        // malformed UTF-8 in a string value; Jackson alone stored C0 AF as "/", C0 80 as NUL, F4 90 80 80 as "?"
        for (String hex : List.of("C0AF", "C080", "E080AF", "F4908080", "F888808080", "FC8480808080", "EDA080", "EDA080EDB080",
                "C3", "F09F98", "80", "C328", "FE")) {
            cases.add(bad("malformed UTF-8 " + hex + " in route", RF, JSON,
                    replace(EventBodies.bytes(rf()), "/v1/orders/{id}", concat(utf8("/v1/"), HexFormat.of().parseHex(hex), utf8("x"))),
                    400, field("route", "UTF-8")));
        }
        cases.add(bad("malformed UTF-8 C0 AF in NDJSON line 2, an attribute", SE, NDJSON,
                concat(EventBodies.bytes(se()), utf8("\n"), replace(EventBodies.bytes(se()), "abc123", HexFormat.of().parseHex("C0AF"))),
                400, onlyDetail(1, "attributes[\"git.sha\"]")));
        for (String escape : List.of("\\ud800", "\\udc00", "\\udc00\\ud800", "\\ud800\\u0041")) {
            cases.add(bad("escaped lone surrogate " + escape + " in message", SE, JSON,
                    utf8(replaceText(text(se()), "\"message\":\"", "\"message\":\"" + escape)), 400, field("message", "surrogate")));
        }
        cases.add(bad("escaped lone surrogate in an attribute value", RF, JSON,
                utf8(replaceText(text(rf()), "\"eu-west-1\"", "\"eu\\udfff\"")), 400, field("attributes[\"region\"]", "surrogate")));
        // protobuf-java reads a length as 32 bits: 2^32 + 8 became 8 and the rest of the string other fields
        RequestFact fact = TestEvents.requestFact("pb-len");
        byte[] service = utf8("checkout");
        cases.add(bad("protobuf: string length prefix 2^32+8", RF, PROTOBUF,
                batchOf(concat(fact.toBuilder().clearService().build().toByteArray(), lengthPrefixed(3, (1L << 32) + service.length, service))),
                400, field("service", "length prefix 4294967304")));
        byte[] event = fact.toByteArray();
        cases.add(bad("protobuf: event length prefix 2^32+n", RF, PROTOBUF, lengthPrefixed(1, (1L << 32) + event.length, event),
                400, error("length prefix")));
        // gzip: the JDK's GZIPInputStream ignores what follows the last member
        cases.add(bad("gzip body followed by garbage", RF, JSON, concat(EventBodies.gzip(EventBodies.bytes(rf())), utf8("garbage!")),
                400, error("gzip")).with("Content-Encoding", "gzip"));
        cases.add(bad("gzip body followed by a truncated member", SE, JSON,
                concat(EventBodies.gzip(EventBodies.bytes(se())), truncate(EventBodies.gzip(EventBodies.bytes(se())), 8)),
                400, error("gzip")).with("Content-Encoding", "gzip"));
        // JSON is UTF-8; Jackson detected UTF-16/32 by itself and decoded it
        byte[] json = EventBodies.bytes(rf());
        String jsonText = new String(json, StandardCharsets.UTF_8);
        cases.add(bad("UTF-16BE body with a byte-order mark, no charset", RF, JSON, jsonText.getBytes(StandardCharsets.UTF_16), 415,
                error("UTF-16")));
        cases.add(bad("UTF-16LE body with a byte-order mark, no charset", SE, NDJSON,
                concat(new byte[] {(byte) 0xFF, (byte) 0xFE}, text(se()).getBytes(StandardCharsets.UTF_16LE)), 415, error("UTF-16")));
        cases.add(bad("UTF-16LE body without a byte-order mark", RF, JSON, jsonText.getBytes(StandardCharsets.UTF_16LE), 415,
                error("UTF-16")));
        cases.add(bad("UTF-32BE body with a byte-order mark", RF, "application/json; charset=utf-8",
                concat(new byte[] {0, 0, (byte) 0xFE, (byte) 0xFF}, jsonText.getBytes(java.nio.charset.Charset.forName("UTF-32BE"))), 415,
                error("UTF-32")));
        cases.add(bad("gzip of a UTF-16 body", RF, JSON, jsonText.getBytes(StandardCharsets.UTF_16), 415, error("UTF-16")).gzipped());
        return cases;
    }

    // ---- rows

    private static BadInput bad(String name, String path, String contentType, byte[] body, int status, Expect expect) {
        return new BadInput(name, path, new String[] {"Authorization", BEARER, "Content-Type", contentType}, body, false, status, expect);
    }

    private static BadInput rfInvalid(String name, Consumer<ObjectNode> edit, Expect expect) {
        return bad(name, RF, JSON, rfWith(edit), 400, expect);
    }

    private static BadInput seInvalid(String name, Consumer<ObjectNode> edit, Expect expect) {
        return bad(name, SE, JSON, seWith(edit), 400, expect);
    }

    // ---- expectations

    /** Some detail names {@code field}. */
    private static Expect field(String field) {
        return error -> assertThat(error.path("details").findValuesAsText("field")).as("detail fields in %s", error).contains(field);
    }

    /** Some detail names {@code field} with a message containing {@code messagePart}. */
    private static Expect field(String field, String messagePart) {
        return error -> {
            List<String> messages = new ArrayList<>();
            for (JsonNode detail : error.path("details")) {
                if (field.equals(detail.path("field").asText())) {
                    messages.add(detail.path("message").asText());
                }
            }
            assertThat(messages).as("messages of details on %s in %s", field, error).anySatisfy(m -> assertThat(m).contains(messagePart));
        };
    }

    private static Expect error(String part) {
        return error -> assertThat(error.path("error").asText()).as("error message").contains(part);
    }

    /** Exactly one detail, on event {@code index}, naming {@code field}: the valid events around it are not blamed. */
    private static Expect onlyDetail(int index, String field) {
        return error -> {
            assertThat(error.path("details")).as("details in %s", error).hasSize(1);
            assertThat(error.path("details").get(0).path("index").asInt()).isEqualTo(index);
            assertThat(error.path("details").get(0).path("field").asText()).isEqualTo(field);
            assertThat(error.path("error").asText()).contains("event " + index);
        };
    }

    // ---- bodies

    private static ObjectNode rf() {
        return EventBodies.json(TestEvents.requestFact("bad-1"));
    }

    private static ObjectNode se() {
        return EventBodies.json(TestEvents.serviceEvent("bad-1"));
    }

    private static byte[] rfWith(Consumer<ObjectNode> edit) {
        ObjectNode e = rf();
        edit.accept(e);
        return EventBodies.bytes(e);
    }

    private static byte[] seWith(Consumer<ObjectNode> edit) {
        ObjectNode e = se();
        edit.accept(e);
        return EventBodies.bytes(e);
    }

    private static byte[] rfArrayWithBadThird() {
        List<ObjectNode> events = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            events.add(EventBodies.json(TestEvents.requestFact("batch-" + i)));
        }
        events.get(3).put("statusCode", 700);
        return EventBodies.array(events);
    }

    private static byte[] seNdjsonWithBadThird() {
        List<ObjectNode> events = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            events.add(EventBodies.json(TestEvents.serviceEvent("batch-" + i)));
        }
        events.get(3).remove("kind");
        return EventBodies.ndjson(events);
    }

    private static byte[] seProtobufWithBadThird() {
        ServiceEventBatch.Builder batch = ServiceEventBatch.newBuilder().addAllEvents(TestEvents.serviceEvents("batch", 5));
        batch.setEvents(3, batch.getEvents(3).toBuilder().setMessage("m".repeat(4097)));
        return batch.build().toByteArray();
    }

    private static String text(ObjectNode event) {
        return new String(EventBodies.bytes(event), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String replaceText(String s, String target, String replacement) {
        assertThat(s).contains(target);
        return s.replace(target, replacement);
    }

    /** {@code body} with the first occurrence of {@code target} replaced by raw bytes. */
    private static byte[] replace(byte[] body, String target, byte[] replacement) {
        String s = new String(body, StandardCharsets.UTF_8);
        int at = s.indexOf(target);
        assertThat(at).as("%s in %s", target, s).isNotNegative();
        byte[] before = utf8(s.substring(0, at));
        byte[] after = utf8(s.substring(at + target.length()));
        return concat(before, replacement, after);
    }

    private static byte[] truncate(byte[] b, int cut) {
        return Arrays.copyOf(b, b.length - cut);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** A batch message (field 1, length-delimited) around already serialized events, whatever their bytes. */
    private static byte[] batchOf(byte[]... events) {
        byte[][] fields = new byte[events.length][];
        for (int i = 0; i < events.length; i++) {
            fields[i] = field(1, events[i]);
        }
        return concat(fields);
    }

    /** A length-delimited field, encoded by hand so that its bytes can be anything. */
    private static byte[] field(int number, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            CodedOutputStream c = CodedOutputStream.newInstance(out);
            c.writeByteArray(number, value);
            c.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A length-delimited field whose length prefix claims {@code length} (a 64-bit varint), followed by {@code value}. */
    private static byte[] lengthPrefixed(int number, long length, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            CodedOutputStream c = CodedOutputStream.newInstance(out);
            c.writeTag(number, com.google.protobuf.WireFormat.WIRETYPE_LENGTH_DELIMITED);
            c.writeUInt64NoTag(length);
            c.writeRawBytes(value);
            c.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] varintField(int number, long value) {
        return UnknownFieldSet.newBuilder()
                .addField(number, UnknownFieldSet.Field.newBuilder().addVarint(value).build())
                .build().toByteArray();
    }
}

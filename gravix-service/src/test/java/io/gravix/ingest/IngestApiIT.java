package io.gravix.ingest;

import static io.gravix.testing.EventBodies.snakeCase;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Message;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.gravix.GravixConfiguration;
import io.gravix.api.v1.RequestFact;
import io.gravix.api.v1.RequestFactBatch;
import io.gravix.api.v1.ServiceEvent;
import io.gravix.api.v1.ServiceEventBatch;
import io.gravix.testing.EventBodies;
import io.gravix.testing.GravixHttp;
import io.gravix.testing.GravixTestApp;
import io.gravix.testing.SpoolContents;
import io.gravix.testing.TestEvents;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ingestion API over real HTTP (DESIGN.md §4, §8, §9): every body form of
 * both endpoints, plain and gzip, with either auth header and either spelling
 * of field names, answered 202 {"accepted": n}; then the spool is sealed and
 * decoded to prove each request became one frame holding exactly the events
 * sent, the key's name as source and a plausible ingest time.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class IngestApiIT {
    private static final Path DATA_DIR = GravixTestApp.newDataDir("IngestApiIT");
    private static final DropwizardAppExtension<GravixConfiguration> APP = GravixTestApp.extension(DATA_DIR);

    private static GravixHttp http;

    @BeforeAll
    static void connect() {
        http = new GravixHttp(APP.getLocalPort(), APP.getAdminPort());
    }

    enum Endpoint {
        REQUEST_FACTS("/v1/request-facts"),
        SERVICE_EVENTS("/v1/service-events");

        final String path;

        Endpoint(String path) {
            this.path = path;
        }
    }

    enum Form {
        JSON_OBJECT("application/json"),
        JSON_ARRAY("application/json; charset=utf-8"),
        NDJSON("application/x-ndjson"),
        PROTOBUF("application/x-protobuf");

        final String contentType;

        Form(String contentType) {
            this.contentType = contentType;
        }
    }

    enum Encoding { IDENTITY, GZIP }

    /** Which header carries which key; the JSON forms are sent camelCase with one and snake_case with the other. */
    enum Auth {
        BEARER("Authorization", "Bearer " + GravixTestApp.API_KEY, GravixTestApp.API_KEY_NAME, false),
        X_API_KEY("X-Api-Key", GravixTestApp.OTHER_KEY, GravixTestApp.OTHER_KEY_NAME, true);

        final String header;
        final String value;
        final String keyName;
        final boolean snakeCase;

        Auth(String header, String value, String keyName, boolean snakeCase) {
            this.header = header;
            this.value = value;
            this.keyName = keyName;
            this.snakeCase = snakeCase;
        }
    }

    /** What the spool holds for one frame, whichever table. */
    private record Stored(List<Message> events, String source, long ingestedAtMicros) {}

    static Stream<Arguments> everyBodyForm() {
        List<Arguments> cases = new ArrayList<>();
        for (Endpoint endpoint : Endpoint.values()) {
            for (Form form : Form.values()) {
                for (Encoding encoding : Encoding.values()) {
                    for (Auth auth : Auth.values()) {
                        cases.add(Arguments.of(endpoint, form, encoding, auth));
                    }
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2} {3}")
    @MethodSource("everyBodyForm")
    void acceptedEventsAreInTheSpoolExactlyAsSent(Endpoint endpoint, Form form, Encoding encoding, Auth auth) {
        String prefix = String.join("-", "api", endpoint.name(), form.name(), encoding.name(), auth.name()).toLowerCase(Locale.ROOT);
        List<Message> events = events(endpoint, prefix, form == Form.JSON_OBJECT ? 1 : 3);
        byte[] body = body(form, events, auth.snakeCase);
        List<String> headers = new ArrayList<>(List.of(auth.header, auth.value, "Content-Type", form.contentType));
        if (encoding == Encoding.GZIP) {
            body = EventBodies.gzip(body);
            headers.addAll(List.of("Content-Encoding", "gzip"));
        }

        long before = nowMicros();
        GravixHttp.Answer answer = http.post(endpoint.path, body, headers.toArray(new String[0]));
        long after = nowMicros();

        assertAccepted(answer, events.size());
        http.sealNow();
        Stored stored = storedRequest(endpoint, prefix);
        assertThat(stored.events()).containsExactlyElementsOf(events);
        assertThat(stored.source()).isEqualTo(auth.keyName);
        // Same wall clock as the server's; one second of slack for a clock step, not for speed.
        assertThat(stored.ingestedAtMicros()).isBetween(before - 1_000_000, after + 1_000_000);
    }

    @ParameterizedTest
    @EnumSource(Endpoint.class)
    void camelCaseAndSnakeCaseNamesMayBeMixedInOneRequest(Endpoint endpoint) {
        String prefix = "mixed-" + endpoint.name().toLowerCase(Locale.ROOT);
        List<Message> events = events(endpoint, prefix, 2);
        List<ObjectNode> json = List.of(jsonOf(events.get(0)), snakeCase(jsonOf(events.get(1))));
        assertThat(json.get(1).has("event_id")).isTrue();

        GravixHttp.Answer answer = http.ingest(endpoint.path, "application/json", EventBodies.array(json));

        assertAccepted(answer, 2);
        http.sealNow();
        Stored stored = storedRequest(endpoint, prefix);
        assertThat(stored.events()).containsExactlyElementsOf(events);
        assertThat(stored.source()).isEqualTo(GravixTestApp.API_KEY_NAME);
    }

    /** A gzip stream is a series of members (RFC 1952 §2.2): the body is all of them, as gunzip gives it. */
    @Test
    void aMultiMemberGzipBodyIsEveryMemberInOrder() {
        List<Message> events = events(Endpoint.SERVICE_EVENTS, "gzip-members", 3);
        byte[] first = EventBodies.ndjson(events.subList(0, 2).stream().map(IngestApiIT::jsonOf).toList());
        byte[] second = EventBodies.ndjson(List.of(jsonOf(events.get(2))));
        byte[] body = concat(EventBodies.gzip(first), EventBodies.gzip(second));

        GravixHttp.Answer answer = http.post(Endpoint.SERVICE_EVENTS.path, body, "Authorization", "Bearer " + GravixTestApp.API_KEY,
                "Content-Type", "application/x-ndjson", "Content-Encoding", "gzip");

        assertAccepted(answer, 3);
        http.sealNow();
        assertThat(storedRequest(Endpoint.SERVICE_EVENTS, "gzip-members").events()).containsExactlyElementsOf(events);
    }

    /** RFC 8259 §8.1 lets a parser ignore a UTF-8 byte-order mark; Gravix does, and stores the events alone. */
    @Test
    void aUtf8ByteOrderMarkBeforeAJsonBodyIsIgnored() {
        List<Message> events = events(Endpoint.REQUEST_FACTS, "utf8-bom", 2);
        byte[] body = concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, body(Form.JSON_ARRAY, events, false));

        GravixHttp.Answer answer = http.ingest(Endpoint.REQUEST_FACTS.path, "application/json", body);

        assertAccepted(answer, 2);
        http.sealNow();
        assertThat(storedRequest(Endpoint.REQUEST_FACTS, "utf8-bom").events()).containsExactlyElementsOf(events);
    }

    /** Text beyond ASCII, raw or escaped, outside the Basic Multilingual Plane too, is stored as sent. */
    @Test
    void wellFormedTextBeyondAsciiIsStoredExactly() {
        String message = "d\u00e9ploiement \u2192 \uD83D\uDE80 \uD83D\uDE80";
        ServiceEvent event = TestEvents.serviceEvent("text-1").toBuilder().setMessage(message).build();
        String json = new String(EventBodies.bytes(EventBodies.json(event.toBuilder().setMessage("MSG").build())), StandardCharsets.UTF_8);
        // the arrow and the first rocket as JSON escapes, the rest as raw UTF-8
        String sent = json.replace("\"MSG\"", "\"d\u00e9ploiement \\u2192 \\ud83d\\ude80 \uD83D\uDE80\"");

        GravixHttp.Answer answer = http.ingest(Endpoint.SERVICE_EVENTS.path, "application/json", sent.getBytes(StandardCharsets.UTF_8));

        assertAccepted(answer, 1);
        http.sealNow();
        assertThat(storedRequest(Endpoint.SERVICE_EVENTS, "text").events()).containsExactly(event);
    }

    @Test
    void liveAndReadyAnswer200WithJson() {
        for (String probe : List.of("/live", "/ready")) {
            GravixHttp.Answer answer = http.getAdmin(probe);
            assertThat(answer.status()).as(probe + ": " + answer.body()).isEqualTo(200);
            assertThat(answer.header("Content-Type")).as(probe).startsWith("application/json");
            assertThat(answer.json().path("status").asText()).as(probe).isEqualTo("ok");
            assertThat(answer.json().path("checks").size()).as(probe).isPositive();
        }
        assertThat(http.getAdmin("/ready").json().path("checks").fieldNames())
                .toIterable().contains("index", "spool", "disk", "backlog", "shutdown");
    }

    @Test
    void metricsAreExposedInPrometheusTextFormatWithTheContractNames() {
        GravixHttp.Answer accepted = http.ingest(Endpoint.SERVICE_EVENTS.path, "application/x-ndjson",
                EventBodies.ndjson(List.of(EventBodies.json(TestEvents.serviceEvent("metrics-1")))));
        assertAccepted(accepted, 1);

        GravixHttp.Answer metrics = http.getAdmin("/metrics");

        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.header("Content-Type")).startsWith("text/plain");
        String text = metrics.body();
        assertThat(text).containsPattern(Pattern.compile("(?m)^ingestion_request_count_total\\{"
                + "(?=[^}]*table=\"service_events\")(?=[^}]*format=\"ndjson\")(?=[^}]*code=\"202\")[^}]*} [0-9.eE+-]+$"));
        assertThat(text).containsPattern(Pattern.compile("(?m)^ingestion_events_total\\{table=\"service_events\"} [0-9.eE+-]+$"));
        assertThat(text).containsPattern(Pattern.compile("(?m)^ingestion_request_duration_seconds_bucket\\{[^}]*le=\"[^\"]+\"[^}]*} "));
        assertThat(text).containsPattern(Pattern.compile("(?m)^batch_fsync_duration_seconds_bucket\\{le=\"[^\"]+\"} "));
        assertThat(text).containsPattern(Pattern.compile("(?m)^spool_disk_free_bytes [0-9.eE+-]+$"));
    }

    @Test
    void sealNowRefusesAMissingOrWrongAdminToken() {
        List<GravixHttp.Answer> refused = List.of(
                http.postAdmin("/tasks/seal-now"),
                http.postAdmin("/tasks/seal-now", "Authorization", "Bearer wrong-token"),
                http.postAdmin("/tasks/seal-now", "Authorization", "Bearer " + GravixTestApp.API_KEY),
                http.postAdmin("/tasks/seal-now", "Authorization", GravixTestApp.ADMIN_TOKEN));
        for (GravixHttp.Answer answer : refused) {
            assertThat(answer.status()).as(answer.body()).isEqualTo(401);
            assertThat(answer.json().path("error").asText()).contains("admin token");
        }
    }

    private static void assertAccepted(GravixHttp.Answer answer, int events) {
        assertThat(answer.status()).as("answer: %s", answer.body()).isEqualTo(202);
        assertThat(answer.header("Content-Type")).startsWith("application/json");
        JsonNode json = answer.json();
        assertThat(json.size()).as(answer.body()).isEqualTo(1);
        assertThat(json.path("accepted").isInt()).as(answer.body()).isTrue();
        assertThat(json.path("accepted").asInt()).isEqualTo(events);
    }

    private static List<Message> events(Endpoint endpoint, String prefix, int count) {
        return List.copyOf(endpoint == Endpoint.REQUEST_FACTS
                ? TestEvents.requestFacts(prefix, count) : TestEvents.serviceEvents(prefix, count));
    }

    private static ObjectNode jsonOf(Message event) {
        return event instanceof RequestFact f ? EventBodies.json(f) : EventBodies.json((ServiceEvent) event);
    }

    private static byte[] body(Form form, List<Message> events, boolean snake) {
        Function<Message, ObjectNode> json = e -> snake ? snakeCase(jsonOf(e)) : jsonOf(e);
        switch (form) {
            case JSON_OBJECT:
                return EventBodies.bytes(json.apply(events.get(0)));
            case JSON_ARRAY:
                return EventBodies.array(events.stream().map(json).toList());
            case NDJSON:
                return EventBodies.ndjson(events.stream().map(json).toList());
            case PROTOBUF:
                return events.get(0) instanceof RequestFact
                        ? RequestFactBatch.newBuilder().addAllFacts(events.stream().map(RequestFact.class::cast).toList()).build().toByteArray()
                        : ServiceEventBatch.newBuilder().addAllEvents(events.stream().map(ServiceEvent.class::cast).toList()).build().toByteArray();
            default:
                throw new IllegalArgumentException(form.name());
        }
    }

    /** The one frame whose events carry ids starting with {@code prefix}; fails if there is not exactly one. */
    private static Stored storedRequest(Endpoint endpoint, String prefix) {
        List<Stored> all = endpoint == Endpoint.REQUEST_FACTS
                ? SpoolContents.requestFactRecords(DATA_DIR).stream()
                        .map(r -> new Stored(List.copyOf(r.getFactsList()), r.getSource(), r.getIngestedAtMicros())).toList()
                : SpoolContents.serviceEventRecords(DATA_DIR).stream()
                        .map(r -> new Stored(List.copyOf(r.getEventsList()), r.getSource(), r.getIngestedAtMicros())).toList();
        List<Stored> matching = all.stream()
                .filter(s -> s.events().stream().anyMatch(e -> eventId(e).startsWith(prefix + "-")))
                .toList();
        assertThat(matching).as("frames holding events %s-*", prefix).hasSize(1);
        return matching.get(0);
    }

    private static String eventId(Message event) {
        return event instanceof RequestFact f ? f.getEventId() : ((ServiceEvent) event).getEventId();
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static long nowMicros() {
        return System.currentTimeMillis() * 1000;
    }
}

package io.gravix.api.json;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import io.gravix.api.v1.ServiceEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class ServiceEventJsonReaderTest {
    private static final int MAX_EVENTS = 100;
    private final ServiceEventJsonReader reader = new ServiceEventJsonReader();

    private static final String CAMEL = """
            {"eventId": "deploy-1", "timestamp": "2026-11-29T10:15:30Z", "service": "checkout",
             "environment": "production", "kind": "DEPLOY", "version": "v1.2.3", "actor": "ci-bot",
             "message": "deployed v1.2.3", "attributes": {"git.sha": "abc123"}}""";

    private static final String SNAKE = """
            {"event_id": "deploy-1", "timestamp": "2026-11-29T10:15:30Z", "service": "checkout",
             "environment": "production", "kind": 1, "version": "v1.2.3", "actor": "ci-bot",
             "message": "deployed v1.2.3", "attributes": {"git.sha": "abc123"}}""";

    private static final ServiceEvent FULL = ServiceEvent.newBuilder()
            .setEventId("deploy-1")
            .setTimestamp(Timestamp.newBuilder().setSeconds(1795947330L))
            .setService("checkout")
            .setEnvironment("production")
            .setKind(ServiceEvent.Kind.DEPLOY)
            .setVersion("v1.2.3")
            .setActor("ci-bot")
            .setMessage("deployed v1.2.3")
            .putAttributes("git.sha", "abc123")
            .build();

    private List<ServiceEvent> read(String json) {
        byte[] b = json.getBytes(UTF_8);
        return reader.readJson(b, 0, b.length, MAX_EVENTS);
    }

    private ServiceEvent readOne(String json) {
        List<ServiceEvent> events = read(json);
        assertThat(events).hasSize(1);
        return events.get(0);
    }

    private List<ServiceEvent> readNdjson(String ndjson) {
        byte[] b = ndjson.getBytes(UTF_8);
        return reader.readNdjson(b, 0, b.length, MAX_EVENTS);
    }

    private EventDecodeException decodeError(String json) {
        return catchThrowableOfType(EventDecodeException.class, () -> read(json));
    }

    private static ServiceEvent jsonFormat(String json) throws InvalidProtocolBufferException {
        ServiceEvent.Builder b = ServiceEvent.newBuilder();
        JsonFormat.parser().merge(json, b);
        return b.build();
    }

    @Test
    void readsEveryFieldUnderItsLowerCamelCaseName() {
        assertThat(readOne(CAMEL)).isEqualTo(FULL);
    }

    @Test
    void readsEveryFieldUnderItsOriginalSnakeCaseName() {
        assertThat(readOne(SNAKE)).isEqualTo(FULL);
    }

    @Test
    void nullMeansUnsetForEveryField() {
        assertThat(readOne("""
                {"eventId": null, "timestamp": null, "service": null, "environment": null, "kind": null,
                 "version": null, "actor": null, "message": null, "attributes": null}"""))
                .isEqualTo(ServiceEvent.getDefaultInstance());
    }

    // --- the enum ------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(value = ServiceEvent.Kind.class, names = "UNRECOGNIZED", mode = EnumSource.Mode.EXCLUDE)
    void readsTheKindByNameAndByNumber(ServiceEvent.Kind kind) {
        assertThat(readOne("{\"kind\": \"" + kind.name() + "\"}").getKind()).isEqualTo(kind);
        assertThat(readOne("{\"kind\": " + kind.getNumber() + "}").getKind()).isEqualTo(kind);
    }

    @Test
    void keepsAnUndefinedKindNumberForValidationToReject() throws Exception {
        // proto3 enums are open: the number is kept (as JsonFormat does) and defined_only rejects it later.
        ServiceEvent e = readOne("{\"kind\": 42}");
        assertThat(e.getKind()).isEqualTo(ServiceEvent.Kind.UNRECOGNIZED);
        assertThat(e.getKindValue()).isEqualTo(42).isEqualTo(jsonFormat("{\"kind\": 42}").getKindValue());
    }

    @Test
    void keepsANegativeKindNumberLikeJsonFormat() throws Exception {
        // -1 is a number, not null: it must reach validation as an undefined value, not vanish as "unset".
        assertThat(readOne("{\"kind\": -1}").getKindValue()).isEqualTo(-1).isEqualTo(jsonFormat("{\"kind\": -1}").getKindValue());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"deploy\"", "\"Deploy\"", "\"DEPLOYED\"", "\"\"", "\" DEPLOY\"", "1.0", "1.5", "true",
            "[\"DEPLOY\"]", "{}", "4294967296"})
    void rejectsAKindThatIsNeitherADefinedNameNorAnInt32(String json) {
        EventDecodeException e = decodeError("{\"kind\": " + json + "}");
        assertThat(e.field()).isEqualTo("kind");
        assertThat(e.index()).isZero();
    }

    @Test
    void unknownKindNameIsQuotedInTheMessage() {
        assertThat(decodeError("{\"kind\": \"SHIPPED\"}").getMessage()).contains("\"SHIPPED\"").contains("Kind");
    }

    // --- strictness ------------------------------------------------------------------------------

    @Test
    void rejectsAnUnknownFieldNamingIt() {
        EventDecodeException e = decodeError("[{}, {\"kind\": \"DEPLOY\", \"statusCode\": 200}]");
        assertThat(e.index()).isEqualTo(1);
        assertThat(e.field()).isEqualTo("statusCode");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "eventId    | event_id   | \"x\"       | event_id",
            "kind       | kind       | \"DEPLOY\"  | kind",
            "message    | message    | \"m\"       | message",
            "timestamp  | timestamp  | null        | timestamp",
            "attributes | attributes | null        | attributes",
    })
    void rejectsAFieldGivenTwiceUnderEitherName(String first, String second, String value, String reported) {
        EventDecodeException e = decodeError("{\"" + first + "\": " + value + ", \"" + second + "\": " + value + "}");
        assertThat(e.field()).isEqualTo(reported);
        assertThat(e.getMessage()).contains("more than once");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"version\": 2}                | version",
            "{\"actor\": false}              | actor",
            "{\"message\": [\"m\"]}          | message",
            "{\"timestamp\": 0}              | timestamp",
            "{\"attributes\": {\"k\": 2}}    | attributes[\"k\"]",
    })
    void rejectsValuesOfTheWrongTypeNamingTheField(String json, String field) {
        assertThat(decodeError(json).field()).isEqualTo(field);
    }

    @Test
    void rejectsADuplicateMapKey() {
        assertThat(decodeError("{\"attributes\": {\"a\": \"1\", \"a\": \"1\"}}").field()).isEqualTo("attributes[\"a\"]");
    }

    // --- body forms ------------------------------------------------------------------------------

    @Test
    void readsASingleObjectAnArrayAndNdjson() {
        ServiceEvent a = ServiceEvent.newBuilder().setKind(ServiceEvent.Kind.SCALE).build();
        ServiceEvent b = ServiceEvent.newBuilder().setKind(ServiceEvent.Kind.ALERT).build();
        assertThat(read("{\"kind\": \"SCALE\"}")).containsExactly(a);
        assertThat(read("[{\"kind\": \"SCALE\"},{\"kind\": 7}]")).containsExactly(a, b);
        assertThat(readNdjson("{\"kind\": \"SCALE\"}\n\n{\"kind\": \"ALERT\"}\n")).containsExactly(a, b);
    }

    @Test
    void rejectsTooManyEventsInEitherForm() {
        byte[] array = "[{},{},{}]".getBytes(UTF_8);
        assertThatThrownBy(() -> reader.readJson(array, 0, array.length, 2)).isInstanceOf(TooManyEventsException.class);
        byte[] ndjson = "{}\n{}\n{}\n".getBytes(UTF_8);
        assertThatThrownBy(() -> reader.readNdjson(ndjson, 0, ndjson.length, 2)).isInstanceOf(TooManyEventsException.class);
        assertThat(reader.readNdjson(ndjson, 0, ndjson.length, 3)).hasSize(3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{} {}", "[{}] x", "{}}"})
    void rejectsContentAfterTheJsonValue(String body) {
        assertThat(decodeError(body)).isNotNull();
    }

    @Test
    void rejectsTrailingGarbageInNdjson() {
        assertThatThrownBy(() -> readNdjson("{}\n{}\nnot json\n")).isInstanceOf(EventDecodeException.class);
        assertThatThrownBy(() -> readNdjson("{}\n{\"kind\": ")).isInstanceOf(EventDecodeException.class);
    }

    // --- agreement with the writer and with protobuf-java-util ------------------------------------

    @Test
    void whatEventJsonWriterWritesReadsBackEqual() {
        RandomEvents random = new RandomEvents(3L);
        List<ServiceEvent> events = new ArrayList<>();
        events.add(FULL);
        events.add(ServiceEvent.getDefaultInstance());
        events.add(ServiceEvent.newBuilder().setKindValue(42).build());
        events.add(ServiceEvent.newBuilder().setMessage("x".repeat(5000)).build());
        for (int i = 0; i < 500; i++) {
            events.add(random.serviceEvent());
        }
        byte[] array = EventJsonWriter.serviceEventsArray(events);
        assertThat(reader.readJson(array, 0, array.length, events.size())).containsExactlyElementsOf(events);
        byte[] ndjson = EventJsonWriter.serviceEventsNdjson(events);
        assertThat(reader.readNdjson(ndjson, 0, ndjson.length, events.size())).containsExactlyElementsOf(events);
        for (ServiceEvent e : events.subList(0, 50)) {
            byte[] one = EventJsonWriter.serviceEvent(e);
            assertThat(reader.readJson(one, 0, one.length, 1)).containsExactly(e);
        }
    }

    @Test
    void agreesWithJsonFormatOnWhatJsonFormatPrints() throws Exception {
        RandomEvents random = new RandomEvents(4L);
        JsonFormat.Printer compact = JsonFormat.printer().omittingInsignificantWhitespace();
        JsonFormat.Printer withDefaults = JsonFormat.printer().alwaysPrintFieldsWithNoPresence().preservingProtoFieldNames();
        JsonFormat.Printer enumsAsInts = JsonFormat.printer().printingEnumsAsInts();
        for (int i = 0; i < 500; i++) {
            ServiceEvent e = random.serviceEvent();
            for (String json : List.of(compact.print(e), withDefaults.print(e), enumsAsInts.print(e))) {
                assertThat(readOne(json)).as(json).isEqualTo(e).isEqualTo(jsonFormat(json));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            CAMEL,
            SNAKE,
            "{}",
            "{\"kind\": \"INCIDENT_RESOLVED\", \"timestamp\": \"2026-11-29T10:15:30.000001-08:00\"}",
            "{\"kind\": 8, \"message\": \"line one\\nline two \\u2603\"}",
            "{\"kind\": \"KIND_UNSPECIFIED\"}",
            "{\"kind\": 0}",
            "{\"kind\": 99}",
            "{\"attributes\": {\"a\": \"1\", \"b\": \"\"}, \"kind\": null}",
    })
    void agreesWithJsonFormatOnValidInput(String json) throws Exception {
        assertThat(readOne(json)).isEqualTo(jsonFormat(json));
    }
}

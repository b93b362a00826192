package io.gravix.api.validate;

import static org.assertj.core.api.Assertions.assertThat;

import build.buf.protovalidate.ValidationResult;
import build.buf.protovalidate.Validator;
import build.buf.protovalidate.ValidatorFactory;
import build.buf.validate.FieldPathElement;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import io.gravix.api.v1.RequestFact;
import io.gravix.api.v1.ServiceEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks {@link ConstraintValidator} (the compiled, hand-written enforcement of the
 * {@code buf.validate} rules) against protovalidate's own CEL engine, the reference
 * implementation of those rules: for thousands of seeded random mutations of valid
 * events, both must flag exactly the same set of field paths.
 *
 * <p>Paths are compared exactly, subscripts included. protovalidate reports a field
 * path as elements (field name + optional map-key subscript); it is rendered here in
 * ConstraintValidator's format, {@code attributes["key"]}, with the key abbreviated to
 * 64 UTF-16 chars + "…" as ConstraintValidator does. Messages are not compared (they
 * are worded alike but not promised to be identical), and ConstraintValidator reports
 * at most one problem per field or map entry while protovalidate may report several:
 * that is why sets of paths, not lists of violations, are compared.
 */
class ConstraintValidatorEquivalenceTest {
    private static final int SAMPLES = 3000;

    private static Validator reference;
    private static final ConstraintValidator REQUEST_FACTS = ConstraintValidator.forType(RequestFact.getDescriptor());
    private static final ConstraintValidator SERVICE_EVENTS = ConstraintValidator.forType(ServiceEvent.getDescriptor());

    @BeforeAll
    static void buildReference() {
        reference = ValidatorFactory.newBuilder().build();
    }

    // --- valid starting points -------------------------------------------------------------------

    private static final Timestamp NOW = Timestamp.newBuilder().setSeconds(1795947330L).setNanos(123_000_000).build();

    /** The shared sample events, with a fixed timestamp: this test checks constraints, not the time window. */
    static RequestFact validFact() {
        return io.gravix.testing.TestEvents.requestFact("evt-1").toBuilder().setTimestamp(NOW).build();
    }

    static ServiceEvent validEvent() {
        return io.gravix.testing.TestEvents.serviceEvent("deploy-1").toBuilder().setTimestamp(NOW).build();
    }

    // --- string material -------------------------------------------------------------------------

    private static final String EMOJI = "\uD83D\uDE00"; // one code point, two UTF-16 chars
    /** Characters around every pattern's edges: line terminators Java's '$' treats specially, non-ASCII look-alikes. */
    private static final String[] CHARS = {
            "a", "z", "m", "0", "9", "A", "Z", ".", "_", "-", ":", "/", " ", "\n", "\r", "\r\n", "\u0085", "\u2028",
            "\u2029", "\t", "\u0000", "é", "ß", "ı", "K" /* Kelvin sign */, "０", EMOJI, "{", "}", "$", "^", "\\",
    };

    private final Random random = new Random(20261129L);

    private String pick(String... options) {
        return options[random.nextInt(options.length)];
    }

    /** A string of {@code n} code points drawn from {@code alphabet} (as strings, each one code point or "\r\n"). */
    private String repeatFrom(int n, String... alphabet) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(alphabet[random.nextInt(alphabet.length)]);
        }
        return b.toString();
    }

    /** A length near {@code limit} (limit-1, limit, limit+1) or anywhere up to it. */
    private int around(int limit) {
        return switch (random.nextInt(4)) {
            case 0 -> limit - 1;
            case 1 -> limit;
            case 2 -> limit + 1;
            default -> random.nextInt(limit + 2);
        };
    }

    /** A string that is valid for {@code good} characters, with some chance of one bad character somewhere. */
    private String charsetString(int length, String[] good) {
        String s = repeatFrom(Math.max(length, 0), good);
        if (random.nextInt(3) == 0) {
            String bad = CHARS[random.nextInt(CHARS.length)];
            int at = s.isEmpty() ? 0 : s.offsetByCodePoints(0, random.nextInt(s.codePointCount(0, s.length()) + 1));
            switch (random.nextInt(3)) {
                case 0 -> s = s + bad;                                  // trailing (e.g. "abc\n")
                case 1 -> s = bad + s;                                  // leading
                default -> s = s.substring(0, at) + bad + s.substring(at); // inside
            }
        }
        return s;
    }

    private static final String[] LOWER = "abcdefghijklmnopqrstuvwxyz0123456789".split("");
    private static final String[] SERVICE_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789_.-".split("");
    private static final String[] EVENT_ID_CHARS = "ABCXYZabcxyz0123456789._:-".split("");
    private static final String[] KEY_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789_.".split("");
    private static final String[] HEX = "0123456789abcdef".split("");
    private static final String[] ANY = {"a", "Z", " ", "é", EMOJI, "/", "\n", "\u0000", "日"};

    private String eventId() {
        return switch (random.nextInt(4)) {
            case 0 -> "";
            case 1 -> repeatFrom(around(128), EVENT_ID_CHARS);
            default -> charsetString(1 + random.nextInt(20), EVENT_ID_CHARS);
        };
    }

    private String serviceName(int max) {
        return switch (random.nextInt(6)) {
            case 0 -> "";
            case 1 -> pick(LOWER) + repeatFrom(around(max) - 1, SERVICE_CHARS);
            case 2 -> pick("-", "_", ".", "A", "é") + repeatFrom(random.nextInt(5), SERVICE_CHARS); // bad first char
            default -> charsetString(1 + random.nextInt(12), SERVICE_CHARS);
        };
    }

    private String route() {
        return switch (random.nextInt(5)) {
            case 0 -> "";
            case 1 -> "/" + repeatFrom(around(256) - 1, ANY);
            case 2 -> repeatFrom(1 + random.nextInt(10), ANY); // likely no leading slash
            case 3 -> "/";
            default -> "/v1/" + repeatFrom(random.nextInt(10), LOWER) + "/{id}";
        };
    }

    private String method() {
        return pick("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "get", "Get", "CONNECT", "TRACE",
                "", "GET ", " GET", "GET\n", "POSTS", "PO");
    }

    private String upTo(int max) {
        return switch (random.nextInt(3)) {
            case 0 -> repeatFrom(around(max), ANY);
            case 1 -> repeatFrom(around(max), EMOJI, "é"); // code points != UTF-16 length != UTF-8 length
            default -> repeatFrom(random.nextInt(20), ANY);
        };
    }

    private String traceId() {
        return switch (random.nextInt(5)) {
            case 0 -> "";
            case 1 -> repeatFrom(32 + random.nextInt(3) - 1, HEX);
            case 2 -> repeatFrom(32, "0123456789abcdefABCDEFg".split(""));
            default -> charsetString(32, HEX);
        };
    }

    private int statusCode() {
        return switch (random.nextInt(3)) {
            case 0 -> new int[] {0, 1, 99, 100, 101, 200, 599, 600, 65535, Integer.MAX_VALUE, Integer.MIN_VALUE, -1}[random.nextInt(12)];
            case 1 -> random.nextInt();
            default -> random.nextInt(700);
        };
    }

    private double duration() {
        double[] specials = {0.0, -0.0, Double.MIN_VALUE, -Double.MIN_VALUE, 1e-300, -1e-300, 3_600_000.0,
                Math.nextUp(3_600_000.0), Math.nextDown(3_600_000.0), 3_600_001.0, -1.0, Double.NaN,
                Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MAX_VALUE, -Double.MAX_VALUE,
                Double.longBitsToDouble(0x7ff8000000000001L) /* another NaN */};
        return random.nextBoolean() ? specials[random.nextInt(specials.length)] : (random.nextDouble() * 4_000_000.0) - 100_000.0;
    }

    private void attributes(java.util.Map<String, String> target) {
        int count = switch (random.nextInt(4)) {
            case 0 -> 16;
            case 1 -> 17;
            case 2 -> 15 + random.nextInt(4);
            default -> random.nextInt(4);
        };
        target.clear();
        for (int i = 0; i < count; i++) {
            String key = switch (random.nextInt(6)) {
                case 0 -> repeatFrom(around(64), KEY_CHARS);
                case 1 -> "";
                case 2 -> charsetString(1 + random.nextInt(8), KEY_CHARS);
                default -> "k" + i + "." + repeatFrom(random.nextInt(4), KEY_CHARS);
            };
            String value = switch (random.nextInt(4)) {
                case 0 -> repeatFrom(around(256), ANY);
                case 1 -> repeatFrom(around(256), EMOJI);
                default -> repeatFrom(random.nextInt(10), ANY);
            };
            target.put(key, value);
        }
    }

    private Timestamp timestamp() {
        return random.nextBoolean() ? Timestamp.getDefaultInstance() /* set, all zero */ : NOW;
    }

    // --- mutations -------------------------------------------------------------------------------

    private RequestFact mutateFact(RequestFact valid) {
        RequestFact.Builder b = valid.toBuilder();
        int mutations = 1 + random.nextInt(3);
        for (int m = 0; m < mutations; m++) {
            switch (random.nextInt(15)) {
                case 0 -> b.setEventId(eventId());
                case 1 -> { if (random.nextBoolean()) b.clearTimestamp(); else b.setTimestamp(timestamp()); }
                case 2 -> b.setService(serviceName(64));
                case 3 -> b.setEnvironment(serviceName(64));
                case 4 -> b.setRoute(route());
                case 5 -> b.setMethod(method());
                case 6 -> b.setStatusCode(statusCode());
                case 7 -> { if (random.nextInt(4) == 0) b.clearDurationMs(); else b.setDurationMs(duration()); }
                case 8 -> b.setRequestBytes(random.nextLong()).setResponseBytes(random.nextBoolean() ? 0 : -1L);
                case 9 -> b.setClientId(upTo(128));
                case 10 -> b.setTraceId(traceId());
                case 11 -> attributes(b.getMutableAttributes());
                case 12 -> { b.clear(); } // nothing set at all
                default -> { } // sometimes a valid event stays valid
            }
        }
        return b.build();
    }

    private ServiceEvent mutateEvent(ServiceEvent valid) {
        ServiceEvent.Builder b = valid.toBuilder();
        int mutations = 1 + random.nextInt(3);
        for (int m = 0; m < mutations; m++) {
            switch (random.nextInt(12)) {
                case 0 -> b.setEventId(eventId());
                case 1 -> { if (random.nextBoolean()) b.clearTimestamp(); else b.setTimestamp(timestamp()); }
                case 2 -> b.setService(serviceName(64));
                case 3 -> b.setEnvironment(serviceName(64));
                case 4 -> b.setKindValue(new int[] {0, 1, 4, 8, 9, 42, -1, Integer.MAX_VALUE, Integer.MIN_VALUE}[random.nextInt(9)]);
                case 5 -> b.setVersion(upTo(128));
                case 6 -> b.setActor(upTo(128));
                case 7 -> b.setMessage(upTo(4096));
                case 8 -> attributes(b.getMutableAttributes());
                case 9 -> { b.clear(); }
                default -> { }
            }
        }
        return b.build();
    }

    // --- comparison ------------------------------------------------------------------------------

    private static Set<String> ours(ConstraintValidator validator, Message message) {
        List<Violation> out = new ArrayList<>();
        validator.validate(message, out);
        Set<String> paths = new TreeSet<>();
        out.forEach(v -> paths.add(v.field()));
        return paths;
    }

    private static Set<String> theirs(Message message) throws Exception {
        ValidationResult result = reference.validate(message);
        Set<String> paths = new TreeSet<>();
        for (build.buf.protovalidate.Violation v : result.getViolations()) {
            paths.add(path(v.toProto().getField().getElementsList()));
        }
        return paths;
    }

    /** Renders a protovalidate field path in ConstraintValidator's format; see the class comment. */
    private static String path(List<FieldPathElement> elements) {
        StringBuilder b = new StringBuilder();
        for (FieldPathElement e : elements) {
            if (b.length() > 0) {
                b.append('.');
            }
            b.append(e.getFieldName());
            switch (e.getSubscriptCase()) {
                case STRING_KEY -> b.append("[\"").append(abbreviate(e.getStringKey())).append("\"]");
                case SUBSCRIPT_NOT_SET -> { }
                default -> b.append('[').append(e.getSubscriptCase()).append(']'); // not used by these messages
            }
        }
        return b.toString();
    }

    private static String topLevel(String path) {
        int subscript = path.indexOf('[');
        return subscript < 0 ? path : path.substring(0, subscript);
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "…";
    }

    /** The values of the fields behind {@code paths}, escaped and abbreviated, for a readable failure. */
    private static String describe(Message message, Set<String> paths) {
        StringBuilder b = new StringBuilder();
        for (String path : paths) {
            String name = topLevel(path);
            var field = message.getDescriptorForType().findFieldByName(name);
            if (field == null) {
                b.append("\n  ").append(path).append(" (not a field of ").append(message.getDescriptorForType().getName()).append(')');
                continue;
            }
            Object value = field.isMapField() ? message.getField(field) : message.getField(field);
            String text = String.valueOf(value);
            if (value instanceof String str) {
                text = escape(str);
            } else if (field.isMapField()) {
                StringBuilder m = new StringBuilder("{");
                for (Object o : (List<?>) value) {
                    var entry = (com.google.protobuf.MapEntry<?, ?>) o;
                    m.append(escape((String) entry.getKey())).append('=').append(escape((String) entry.getValue())).append(", ");
                }
                text = m.append("} (").append(((List<?>) value).size()).append(" entries)").toString();
            }
            b.append("\n  ").append(path).append(" = ").append(text);
        }
        return b.toString();
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder("\"");
        s.codePoints().limit(40).forEach(c -> {
            if (c >= 0x20 && c < 0x7f) {
                b.append((char) c);
            } else {
                b.append(String.format("\\u{%x}", c));
            }
        });
        int n = s.codePointCount(0, s.length());
        return b.append(n > 40 ? "…\" (" + n + " code points)" : "\"").toString();
    }

    private static final class Tally {
        int valid;
        int invalid;
        final Set<String> pathsSeen = new TreeSet<>();
    }

    private static void assertSamePaths(ConstraintValidator validator, Message message, Tally tally) throws Exception {
        Set<String> expected = theirs(message);
        Set<String> actual = ours(validator, message);
        if (!actual.equals(expected)) {
            Set<String> differing = new TreeSet<>(actual);
            differing.addAll(expected);
            differing.removeIf(p -> actual.contains(p) && expected.contains(p));
            assertThat(actual).as("paths flagged; differing fields: %s", describe(message, differing)).isEqualTo(expected);
        }
        if (expected.isEmpty()) {
            tally.valid++;
        } else {
            tally.invalid++;
            expected.forEach(p -> tally.pathsSeen.add(p.equals(topLevel(p)) ? p : topLevel(p) + "[…]"));
        }
    }

    @Test
    void theValidStartingPointsAreValidForBoth() throws Exception {
        assertThat(theirs(validFact())).isEmpty();
        assertThat(ours(REQUEST_FACTS, validFact())).isEmpty();
        assertThat(theirs(validEvent())).isEmpty();
        assertThat(ours(SERVICE_EVENTS, validEvent())).isEmpty();
    }

    @Test
    void flagsTheSameFieldsAsProtovalidateOnRandomRequestFacts() throws Exception {
        Tally tally = new Tally();
        for (int i = 0; i < SAMPLES; i++) {
            assertSamePaths(REQUEST_FACTS, mutateFact(validFact()), tally);
        }
        // The generator must reach both outcomes and every constrained field, or the comparison proves little.
        assertThat(tally.valid).isGreaterThan(SAMPLES / 20);
        assertThat(tally.invalid).isGreaterThan(SAMPLES / 2);
        assertThat(tally.pathsSeen).contains("event_id", "timestamp", "service", "environment", "route", "method",
                "status_code", "duration_ms", "client_id", "trace_id", "attributes", "attributes[…]");
    }

    @Test
    void flagsTheSameFieldsAsProtovalidateOnRandomServiceEvents() throws Exception {
        Tally tally = new Tally();
        for (int i = 0; i < SAMPLES; i++) {
            assertSamePaths(SERVICE_EVENTS, mutateEvent(validEvent()), tally);
        }
        assertThat(tally.valid).isGreaterThan(SAMPLES / 20);
        assertThat(tally.invalid).isGreaterThan(SAMPLES / 2);
        assertThat(tally.pathsSeen).contains("event_id", "timestamp", "service", "environment", "kind", "version",
                "actor", "message", "attributes", "attributes[…]");
    }

    /** Hand-picked edge cases, so the most important ones do not depend on the random generator reaching them. */
    @Test
    void flagsTheSameFieldsAsProtovalidateOnEdgeCases() throws Exception {
        Tally tally = new Tally();
        List<UnaryOperator<RequestFact.Builder>> facts = List.of(
                b -> b.setEventId("x".repeat(128)),
                b -> b.setEventId("x".repeat(129)),
                b -> b.setEventId("evt-1\n"),
                b -> b.setEventId("evt 1"),
                b -> b.setService("checkout\n"),
                b -> b.setService("checkout\r\n"),
                b -> b.setService("checkout\u2028"),
                b -> b.setService("-checkout"),
                b -> b.setService("a".repeat(64)),
                b -> b.setService("a".repeat(65)),
                b -> b.setEnvironment(""),
                b -> b.setEnvironment("Prod"),
                b -> b.setRoute("/" + "é".repeat(255)),
                b -> b.setRoute("/" + EMOJI.repeat(255)),
                b -> b.setRoute("/" + EMOJI.repeat(256)),
                b -> b.setRoute("v1/orders"),
                b -> b.setMethod("get"),
                b -> b.setStatusCode(0),
                b -> b.setStatusCode(99),
                b -> b.setStatusCode(100),
                b -> b.setStatusCode(599),
                b -> b.setStatusCode(600),
                b -> b.setStatusCode(-1),
                b -> b.clearDurationMs(),
                b -> b.setDurationMs(0.0),
                b -> b.setDurationMs(-0.0),
                b -> b.setDurationMs(Double.NaN),
                b -> b.setDurationMs(Double.POSITIVE_INFINITY),
                b -> b.setDurationMs(Math.nextUp(3_600_000.0)),
                b -> b.setClientId(EMOJI.repeat(128)),
                b -> b.setClientId(EMOJI.repeat(129)),
                b -> b.setTraceId("4BF92F3577B34DA6A3CE929D0E0E4736"),
                b -> b.setTraceId("4bf92f3577b34da6a3ce929d0e0e473"),
                b -> b.setTraceId("4bf92f3577b34da6a3ce929d0e0e4736\n"),
                b -> b.clearTimestamp(),
                b -> b.setTimestamp(Timestamp.getDefaultInstance()),
                b -> b.putAttributes("", "v"),
                b -> b.putAttributes("k".repeat(64), "v"),
                b -> b.putAttributes("k".repeat(65), "v"),
                b -> b.putAttributes("Key", "v"),
                b -> b.putAttributes("key\n", "v"),
                b -> b.putAttributes("key", "v".repeat(256)),
                b -> b.putAttributes("key", "v".repeat(257)),
                b -> b.putAttributes("key", EMOJI.repeat(256)),
                b -> b.putAttributes("key", EMOJI.repeat(257)),
                b -> b.putAttributes("Bad", "v".repeat(257)),
                b -> { b.clearAttributes(); for (int i = 0; i < 16; i++) b.putAttributes("k" + i, "v"); return b; },
                b -> { b.clearAttributes(); for (int i = 0; i < 17; i++) b.putAttributes("k" + i, "v"); return b; },
                b -> { b.clearAttributes(); for (int i = 0; i < 17; i++) b.putAttributes("K" + i, "v"); return b; },
                RequestFact.Builder::clear);
        for (UnaryOperator<RequestFact.Builder> mutation : facts) {
            assertSamePaths(REQUEST_FACTS, mutation.apply(validFact().toBuilder()).build(), tally);
        }
        List<UnaryOperator<ServiceEvent.Builder>> events = List.of(
                b -> b.setKindValue(0),
                b -> b.setKindValue(8),
                b -> b.setKindValue(9),
                b -> b.setKindValue(-1),
                b -> b.setVersion("v".repeat(128)),
                b -> b.setVersion("v".repeat(129)),
                b -> b.setActor(EMOJI.repeat(129)),
                b -> b.setMessage("m".repeat(4096)),
                b -> b.setMessage("m".repeat(4097)),
                b -> b.setMessage(EMOJI.repeat(4096)),
                b -> b.setService("payments\n"),
                ServiceEvent.Builder::clear);
        for (UnaryOperator<ServiceEvent.Builder> mutation : events) {
            assertSamePaths(SERVICE_EVENTS, mutation.apply(validEvent().toBuilder()).build(), tally);
        }
    }
}

package io.gravix.api.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import com.google.protobuf.UnsafeByteOperations;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Decodes events from JSON following the proto3 JSON mapping, streaming with
 * Jackson straight into the generated builders (no tree, no reflection).
 *
 * <p>Strict on purpose: unknown fields, duplicate fields, wrong value types,
 * raw NaN/Infinity tokens, invalid UTF-8 and trailing content are errors
 * naming the event index and field. As the mapping says, both the lowerCamelCase
 * and the original snake_case name of a field are accepted, and {@code null}
 * means "not set".
 *
 * <p>Body forms: one object, an array of objects ({@link #readJson}) and
 * newline-delimited objects ({@link #readNdjson}). Instances are thread-safe.
 *
 * @param <T> the event message type
 */
public abstract class JsonEventReader<T extends Message> {
    private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(8)
                    .maxNumberLength(64)
                    .build())
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .build();

    static {
        FACTORY.disable(JsonParser.Feature.INCLUDE_SOURCE_IN_LOCATION);
    }

    /** Reads one JSON object or a JSON array of objects. */
    public final List<T> readJson(byte[] body, int offset, int length, int maxEvents) {
        requireUtf8(body, offset, length);
        List<T> events = new ArrayList<>();
        try (JsonParser p = FACTORY.createParser(body, offset, length)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new EventDecodeException(-1, null, "request body is empty");
            }
            if (first == JsonToken.START_OBJECT) {
                events.add(readEvent(p, 0));
            } else if (first == JsonToken.START_ARRAY) {
                JsonToken t;
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    int index = events.size();
                    if (t != JsonToken.START_OBJECT) {
                        throw new EventDecodeException(index, null, "array element " + index + " is not a JSON object");
                    }
                    if (index == maxEvents) {
                        throw new TooManyEventsException(maxEvents);
                    }
                    events.add(readEvent(p, index));
                }
            } else {
                throw new EventDecodeException(-1, null, "JSON body must be an object or an array of objects");
            }
            if (p.nextToken() != null) {
                throw new EventDecodeException(-1, null, "unexpected content after the JSON value");
            }
        } catch (IOException e) {
            throw syntaxError(e, events.size());
        }
        return events;
    }

    /** Reads newline-delimited JSON objects (blank lines are allowed). */
    public final List<T> readNdjson(byte[] body, int offset, int length, int maxEvents) {
        requireUtf8(body, offset, length);
        List<T> events = new ArrayList<>();
        try (JsonParser p = FACTORY.createParser(body, offset, length)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                int index = events.size();
                if (t != JsonToken.START_OBJECT) {
                    throw new EventDecodeException(index, null, "line holding event " + index + " is not a JSON object");
                }
                if (index == maxEvents) {
                    throw new TooManyEventsException(maxEvents);
                }
                events.add(readEvent(p, index));
            }
        } catch (IOException e) {
            throw syntaxError(e, events.size());
        }
        return events;
    }

    /**
     * JSON is UTF-8 (RFC 8259 §8.1), and only well-formed UTF-8 (RFC 3629): Jackson's
     * decoder alone would turn overlong forms into other characters ({@code C0 AF} into
     * "/") and code points above U+10FFFF into unpaired surrogates. Protobuf's validator
     * checks the whole body in one fast pass; only a bad body pays for finding where.
     * Jackson would also detect UTF-16 and UTF-32 by their NUL bytes and decode them.
     */
    private static void requireUtf8(byte[] body, int offset, int length) {
        String other = TextEncodings.nonUtf8Encoding(body, offset, length);
        if (other != null) {
            throw new EventDecodeException(-1, null, "body is " + other + ", not UTF-8: JSON bodies must be UTF-8");
        }
        if (!UnsafeByteOperations.unsafeWrap(body, offset, length).isValidUtf8()) {
            throw MalformedUtf8.describe(body, offset, length);
        }
    }

    /**
     * Reads one event; the parser is on its START_OBJECT and must be left on its END_OBJECT.
     * Implementations switch on the field name and use the value readers below.
     */
    protected abstract T readEvent(JsonParser p, int index) throws IOException;

    /** Marks field {@code number} as seen, failing on a second occurrence under either name. */
    protected static long markSeen(long seen, int number, int index, String field) {
        long bit = 1L << number;
        if ((seen & bit) != 0) {
            throw new EventDecodeException(index, field, "field \"" + field + "\" appears more than once");
        }
        return seen | bit;
    }

    protected static EventDecodeException unknownField(int index, String name) {
        return new EventDecodeException(index, name, "unknown field \"" + name + "\"");
    }

    /** A string value, or null for JSON null. */
    protected static String readString(JsonParser p, int index, String field) throws IOException {
        JsonToken t = p.nextToken();
        if (t == JsonToken.VALUE_STRING) {
            return scalarValues(p.getText(), index, field);
        }
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        throw wrongType(index, field, "a string", t);
    }

    protected static Timestamp readTimestamp(JsonParser p, int index, String field) throws IOException {
        String s = readString(p, index, field);
        if (s == null) {
            return null;
        }
        try {
            return Rfc3339.parse(s);
        } catch (IllegalArgumentException e) {
            throw new EventDecodeException(index, field, e.getMessage());
        }
    }

    /** A uint32 as an int holding its bits, or -1L for JSON null. Accepts integral numbers and numeric strings. */
    protected static long readUInt32(JsonParser p, int index, String field) throws IOException {
        BigInteger v = readUnsigned(p, index, field);
        if (v == null) {
            return -1L;
        }
        if (v.bitLength() > 32) {
            throw new EventDecodeException(index, field, "value out of range for uint32");
        }
        return v.longValue();
    }

    /** A uint64 as a long holding its bits, or null for JSON null. */
    protected static Long readUInt64(JsonParser p, int index, String field) throws IOException {
        BigInteger v = readUnsigned(p, index, field);
        if (v == null) {
            return null;
        }
        if (v.compareTo(UINT64_MAX) > 0) {
            throw new EventDecodeException(index, field, "value out of range for uint64");
        }
        return v.longValue();
    }

    private static BigInteger readUnsigned(JsonParser p, int index, String field) throws IOException {
        JsonToken t = p.nextToken();
        BigInteger v;
        switch (t) {
            case VALUE_NULL:
                return null;
            case VALUE_NUMBER_INT:
                if (p.getNumberType() == JsonParser.NumberType.INT || p.getNumberType() == JsonParser.NumberType.LONG) {
                    long l = p.getLongValue();
                    if (l < 0) {
                        throw new EventDecodeException(index, field, "value must not be negative");
                    }
                    return BigInteger.valueOf(l);
                }
                v = p.getBigIntegerValue();
                break;
            case VALUE_NUMBER_FLOAT:
                v = integral(p.getDecimalValue(), index, field);
                break;
            case VALUE_STRING:
                try {
                    v = integral(new java.math.BigDecimal(p.getText()), index, field);
                } catch (NumberFormatException e) {
                    throw new EventDecodeException(index, field, "expected an integer, got the string \"" + abbreviate(p.getText()) + "\"");
                }
                break;
            default:
                throw wrongType(index, field, "an integer", t);
        }
        if (v.signum() < 0) {
            throw new EventDecodeException(index, field, "value must not be negative");
        }
        return v;
    }

    private static BigInteger integral(java.math.BigDecimal d, int index, String field) {
        try {
            return d.toBigIntegerExact();
        } catch (ArithmeticException e) {
            throw new EventDecodeException(index, field, "expected an integer, got " + d.toPlainString());
        }
    }

    /** A double, or null for JSON null. Accepts numbers and the strings "NaN", "Infinity", "-Infinity" or numeric strings. */
    protected static Double readDouble(JsonParser p, int index, String field) throws IOException {
        JsonToken t = p.nextToken();
        switch (t) {
            case VALUE_NULL:
                return null;
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_STRING:
                String s = p.getText();
                switch (s) {
                    case "NaN":
                        return Double.NaN;
                    case "Infinity":
                        return Double.POSITIVE_INFINITY;
                    case "-Infinity":
                        return Double.NEGATIVE_INFINITY;
                    default:
                        try {
                            return new java.math.BigDecimal(s).doubleValue(); // strict: no blanks, no "1d" suffixes

                        } catch (NumberFormatException e) {
                            throw new EventDecodeException(index, field, "expected a number, got the string \"" + abbreviate(s) + "\"");
                        }
                }
            default:
                throw wrongType(index, field, "a number", t);
        }
    }

    /** An enum number, or null for JSON null. Accepts the value's name or its number (any int32: proto3 enums are open). */
    protected static Integer readEnum(JsonParser p, int index, String field, com.google.protobuf.Descriptors.EnumDescriptor type) throws IOException {
        JsonToken t = p.nextToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t == JsonToken.VALUE_STRING) {
            com.google.protobuf.Descriptors.EnumValueDescriptor v = type.findValueByName(p.getText());
            if (v == null) {
                throw new EventDecodeException(index, field, "unknown " + type.getName() + " value \"" + abbreviate(p.getText()) + "\"");
            }
            return v.getNumber();
        }
        if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT) {
            return p.getIntValue();
        }
        throw wrongType(index, field, "an enum name string", t);
    }

    /** Reads a JSON object of string values into {@code target} (a proto map field). Null means "no entries". */
    protected static void readStringMap(JsonParser p, int index, String field, Map<String, String> target) throws IOException {
        JsonToken t = p.nextToken();
        if (t == JsonToken.VALUE_NULL) {
            return;
        }
        if (t != JsonToken.START_OBJECT) {
            throw wrongType(index, field, "an object of strings", t);
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            if (p.nextToken() != JsonToken.VALUE_STRING) {
                throw new EventDecodeException(index, field + "[\"" + abbreviate(key) + "\"]", "map values must be strings");
            }
            String value = p.getText();
            if (unpairedSurrogateAt(key) >= 0 || unpairedSurrogateAt(value) >= 0) {
                String entry = field + "[\"" + abbreviate(key) + "\"]";
                scalarValues(key, index, entry);
                scalarValues(value, index, entry);
            }
            if (target.putIfAbsent(key, value) != null) {
                throw new EventDecodeException(index, field + "[\"" + abbreviate(key) + "\"]", "map key appears more than once");
            }
        }
    }

    /**
     * {@code s} if it is a sequence of Unicode scalar values. The body is valid UTF-8 by
     * now, so an unpaired surrogate can only come from a {@code \\u} escape such as
     * {@code "\\ud800"}: no UTF-8 encoding exists for it, and protobuf would store "?".
     */
    private static String scalarValues(String s, int index, String field) {
        int at = unpairedSurrogateAt(s);
        if (at >= 0) {
            throw new EventDecodeException(index, field, String.format("string holds the unpaired surrogate \\u%04x at character %d:"
                    + " a \\u escape of U+D800..U+DBFF must be followed by one of U+DC00..U+DFFF", (int) s.charAt(at), at));
        }
        return s;
    }

    /** The position of the first surrogate not in a high-low pair, or -1. */
    private static int unpairedSurrogateAt(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!Character.isSurrogate(c)) {
                continue;
            }
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
                continue;
            }
            return i;
        }
        return -1;
    }

    private static EventDecodeException wrongType(int index, String field, String expected, JsonToken got) {
        return new EventDecodeException(index, field, "expected " + expected + ", got " + describe(got));
    }

    private static String describe(JsonToken t) {
        if (t == null) {
            return "end of input";
        }
        switch (t) {
            case START_OBJECT: return "an object";
            case START_ARRAY: return "an array";
            case VALUE_STRING: return "a string";
            case VALUE_NUMBER_INT: case VALUE_NUMBER_FLOAT: return "a number";
            case VALUE_TRUE: case VALUE_FALSE: return "a boolean";
            case VALUE_NULL: return "null";
            default: return t.asString();
        }
    }

    static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "…";
    }

    private static EventDecodeException syntaxError(IOException e, int index) {
        if (e instanceof StreamConstraintsException) {
            return new EventDecodeException(index, null, "JSON exceeds a parser limit: " + e.getMessage());
        }
        if (e instanceof JsonParseException) {
            JsonParseException jpe = (JsonParseException) e;
            String where = jpe.getLocation() == null ? ""
                    : " at line " + jpe.getLocation().getLineNr() + ", column " + jpe.getLocation().getColumnNr();
            return new EventDecodeException(index, null, "malformed JSON" + where + ": " + firstLine(jpe.getOriginalMessage()));
        }
        return new EventDecodeException(index, null, "malformed JSON: " + firstLine(e.getMessage()));
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return abbreviate(nl < 0 ? s : s.substring(0, nl));
    }
}

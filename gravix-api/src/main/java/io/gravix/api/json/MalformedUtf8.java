package io.gravix.api.json;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.util.HexFormat;

/**
 * Explains a body that is not well-formed UTF-8: where the first malformed
 * sequence is (the JDK's strict decoder finds it) and which event and field
 * it is in (Jackson reads the valid text before it). Only bad bodies get here.
 */
final class MalformedUtf8 {
    private static final JsonFactory FACTORY = new JsonFactory();

    private MalformedUtf8() {}

    static EventDecodeException describe(byte[] body, int offset, int length) {
        CharsetDecoder decoder = UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(body, offset, length);
        CoderResult result = decoder.decode(in, CharBuffer.allocate(length), true);
        if (!result.isError()) {
            // The validator and the decoder disagree; never decode such a body.
            return new EventDecodeException(-1, null, "body is not valid UTF-8");
        }
        int at = in.position() - offset;
        String bytes = HexFormat.ofDelimiter(" ").withUpperCase()
                .formatHex(body, offset + at, offset + Math.min(length, at + Math.max(result.length(), 1)));
        String what = "body is not valid UTF-8: malformed sequence " + bytes + " at byte " + at;
        return locate(body, offset, at, what);
    }

    /** The event and field that the text before {@code at} leaves open. */
    private static EventDecodeException locate(byte[] body, int offset, int at, String what) {
        boolean inValue = false; // whether the text stops inside a field's value (or right after its name)
        JsonStreamContext context;
        try (JsonParser p = FACTORY.createParser(body, offset, at)) {
            try {
                for (JsonToken t; (t = p.nextToken()) != null; ) {
                    inValue = t == JsonToken.FIELD_NAME || t == JsonToken.VALUE_STRING;
                    if (t == JsonToken.VALUE_STRING) {
                        p.getText(); // Jackson reads a string lazily: this fails if the string is the one cut short
                        inValue = false;
                    }
                }
            } catch (IOException endOfValidText) {
                // expected: the text stops inside a value or a name
            }
            context = p.getParsingContext();
        } catch (IOException e) {
            return new EventDecodeException(-1, null, what);
        }
        JsonStreamContext event = outermostObject(context);
        if (event == null) {
            return new EventDecodeException(-1, null, what);
        }
        int index = Math.max(event.getParent().getCurrentIndex(), 0);
        String field = inValue ? fieldName(context) : null;
        return new EventDecodeException(index, field, what + (field == null ? " (event " + index + ")" : ""));
    }

    private static JsonStreamContext outermostObject(JsonStreamContext context) {
        JsonStreamContext event = null;
        for (JsonStreamContext c = context; c != null; c = c.getParent()) {
            if (c.inObject()) {
                event = c;
            }
        }
        return event;
    }

    /** The field whose value is open: {@code route}, or {@code attributes["region"]} inside a map. */
    private static String fieldName(JsonStreamContext context) {
        String name = context.getCurrentName();
        JsonStreamContext parent = context.getParent();
        if (parent != null && parent.inObject()) {
            return parent.getCurrentName() + "[\"" + JsonEventReader.abbreviate(name) + "\"]";
        }
        return name;
    }
}

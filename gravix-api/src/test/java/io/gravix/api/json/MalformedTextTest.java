package io.gravix.api.json;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.gravix.api.v1.RequestFact;
import io.gravix.api.v1.ServiceEvent;
import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Text that is not what it claims: bytes that are not UTF-8 (RFC 3629) and
 * escapes that do not form Unicode scalar values are refused, naming the event
 * and the field, never decoded to something else ({@code C0 AF} as "/",
 * {@code \ud800} as "?").
 */
class MalformedTextTest {
    private final RequestFactJsonReader facts = new RequestFactJsonReader();
    private final ServiceEventJsonReader events = new ServiceEventJsonReader();

    /** Malformed UTF-8, as hex, put inside a JSON string. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "C0AF",          // overlong "/"
            "C080",          // overlong NUL
            "E080AF",        // overlong "/" in three bytes
            "F08080AF",      // overlong "/" in four bytes
            "C1BF",          // C1 never starts a sequence
            "F4908080",      // U+110000, above U+10FFFF
            "F7BFBFBF",      // U+1FFFFF
            "F888808080",    // five-byte form
            "FC8480808080",  // six-byte form
            "FE", "FF",      // never valid
            "EDA080",        // encoded surrogate U+D800
            "EDBFBF",        // encoded surrogate U+DFFF
            "EDA080EDB080",  // an encoded surrogate pair (CESU-8)
            "C3",            // truncated two-byte sequence
            "E282",          // truncated three-byte sequence
            "F09F98",        // truncated four-byte sequence
            "80",            // lone continuation byte
            "C328",          // invalid continuation byte
            "E228A1",        // invalid second byte of three
            "F0289F98",      // invalid second byte of four
    })
    void malformedUtf8InAStringIsRefusedNamingTheEventAndField(String hex) {
        byte[] body = concat(utf8("[{\"route\":\"/ok\"},{\"eventId\":\"e-1\",\"route\":\"/a"), HexFormat.of().parseHex(hex), utf8("b\"}]"));

        EventDecodeException e = catchThrowableOfType(EventDecodeException.class, () -> facts.readJson(body, 0, body.length, 10));

        assertThat(e).as("decoded instead of refused").isNotNull();
        assertThat(e.getMessage()).contains("UTF-8").contains("byte " + utf8("[{\"route\":\"/ok\"},{\"eventId\":\"e-1\",\"route\":\"/a").length);
        assertThat(e.index()).isEqualTo(1);
        assertThat(e.field()).isEqualTo("route");
    }

    @Test
    void malformedUtf8InNdjsonNamesTheLineAndAMapValue() {
        byte[] body = concat(utf8("{\"eventId\":\"a\"}\n{\"eventId\":\"b\"}\n{\"attributes\":{\"region\":\"eu"),
                HexFormat.of().parseHex("C0AF"), utf8("\"}}\n"));

        EventDecodeException e = catchThrowableOfType(EventDecodeException.class, () -> events.readNdjson(body, 0, body.length, 10));

        assertThat(e.index()).isEqualTo(2);
        assertThat(e.field()).isEqualTo("attributes[\"region\"]");
    }

    @Test
    void malformedUtf8InAFieldNameOrBetweenValuesNamesTheEvent() {
        byte[] inName = concat(utf8("{\"rou"), HexFormat.of().parseHex("C0AF"), utf8("te\":\"/\"}"));
        byte[] between = concat(utf8("[{},{}"), HexFormat.of().parseHex("C0AF"), utf8(",{}]"));

        EventDecodeException name = catchThrowableOfType(EventDecodeException.class, () -> facts.readJson(inName, 0, inName.length, 10));
        EventDecodeException outside = catchThrowableOfType(EventDecodeException.class, () -> facts.readJson(between, 0, between.length, 10));

        assertThat(name.index()).isZero();
        assertThat(name.getMessage()).contains("UTF-8");
        assertThat(outside.getMessage()).contains("UTF-8").contains("byte 6");
    }

    /** JSON escapes that are not Unicode scalar values: a lone or reversed surrogate. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"\\ud800", "\\udc00", "\\udbff", "\\udfff", "\\udc00\\ud800", "\\ud800x", "x\\udc00", "\\ud800\\ud800",
            "\\uD83D", "\\ud83d\\u0041"})
    void anEscapedLoneSurrogateIsRefusedNamingTheField(String escape) {
        byte[] body = utf8("{\"eventId\":\"e-1\",\"message\":\"deploy " + escape + " done\"}");

        EventDecodeException e = catchThrowableOfType(EventDecodeException.class, () -> events.readJson(body, 0, body.length, 10));

        assertThat(e).as("decoded instead of refused").isNotNull();
        assertThat(e.index()).isZero();
        assertThat(e.field()).isEqualTo("message");
        assertThat(e.getMessage()).contains("surrogate");
    }

    @Test
    void anEscapedLoneSurrogateInAnAttributeValueIsRefused() {
        byte[] body = utf8("{\"attributes\":{\"plan\":\"\\udead\"}}");

        EventDecodeException e = catchThrowableOfType(EventDecodeException.class, () -> facts.readJson(body, 0, body.length, 10));

        assertThat(e.field()).isEqualTo("attributes[\"plan\"]");
    }

    @Test
    void validTextOfEveryLengthIsKeptExactly() {
        String text = "/a\u00e9\u20ac\uD83D\uDE00\u0000\u007f\uFFFD\uFEFF";
        byte[] raw = utf8("{\"route\":\"" + text.replace("\u0000", "\\u0000") + "\",\"clientId\":\"\\ud83d\\ude00\"}");

        List<RequestFact> read = facts.readJson(raw, 0, raw.length, 10);

        assertThat(read.get(0).getRoute()).isEqualTo(text);
        assertThat(read.get(0).getClientId()).isEqualTo("\uD83D\uDE00");
    }

    @Test
    void aUtf8ByteOrderMarkBeforeTheBodyIsIgnored() {
        byte[] body = concat(HexFormat.of().parseHex("EFBBBF"), utf8("{\"eventId\":\"e-1\",\"kind\":\"DEPLOY\"}"));

        List<ServiceEvent> read = events.readJson(body, 0, body.length, 10);

        assertThat(read).containsExactly(ServiceEvent.newBuilder().setEventId("e-1").setKindValue(1).build());
    }

    private static byte[] utf8(String s) {
        return s.getBytes(UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}

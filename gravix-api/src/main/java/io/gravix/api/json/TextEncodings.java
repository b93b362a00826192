package io.gravix.api.json;

/**
 * Recognizes a body that is text in another Unicode encoding than UTF-8: a
 * UTF-16 or UTF-32 byte-order mark, or the NUL bytes that ASCII text has in
 * those encodings (how RFC 4627 §3 and Jackson detect them). A UTF-8 body never
 * starts like that: JSON text holds no raw NUL, and {@code FE}/{@code FF} are
 * not UTF-8. A UTF-8 byte-order mark is UTF-8 and is not reported here.
 */
public final class TextEncodings {
    private TextEncodings() {}

    /** The name of the encoding {@code body} is in if that is UTF-16 or UTF-32, else null. */
    public static String nonUtf8Encoding(byte[] body, int offset, int length) {
        int b0 = length > 0 ? body[offset] & 0xFF : -1;
        int b1 = length > 1 ? body[offset + 1] & 0xFF : -1;
        int b2 = length > 2 ? body[offset + 2] & 0xFF : -1;
        int b3 = length > 3 ? body[offset + 3] & 0xFF : -1;
        if (b0 == 0 && b1 == 0 && b2 == 0xFE && b3 == 0xFF) {
            return "UTF-32BE (byte-order mark 00 00 FE FF)";
        }
        if (b0 == 0xFF && b1 == 0xFE && b2 == 0 && b3 == 0) {
            return "UTF-32LE (byte-order mark FF FE 00 00)";
        }
        if (b0 == 0xFE && b1 == 0xFF) {
            return "UTF-16BE (byte-order mark FE FF)";
        }
        if (b0 == 0xFF && b1 == 0xFE) {
            return "UTF-16LE (byte-order mark FF FE)";
        }
        if (b0 == 0 || b1 == 0 || b2 == 0 || b3 == 0) {
            return "UTF-16 or UTF-32 (NUL bytes in its first characters)";
        }
        return null;
    }
}

package io.gravix.store;

/**
 * The syntax of object keys and list prefixes, the same for every {@link ObjectStore}
 * (described in its Javadoc). Keys are plain ASCII so that String order, S3's UTF-8
 * byte order and file names agree, and so that no key can leave a local store's root
 * ({@code ..}) or collide with an implementation's temporary names (leading {@code .}).
 */
public final class ObjectKeys {
    /** S3's limit for a whole key, store prefix included, is 1024 bytes. */
    public static final int MAX_KEY_LENGTH = 1024;
    /** File systems allow 255 bytes per name. */
    public static final int MAX_SEGMENT_LENGTH = 200;

    private ObjectKeys() {}

    /** Returns {@code key} if it is a valid key, else throws an {@link IllegalArgumentException} saying why. */
    public static String requireValidKey(String key) {
        String problem = keyProblem(key);
        if (problem != null) {
            throw new IllegalArgumentException("invalid object key " + quote(key) + ": " + problem);
        }
        return key;
    }

    public static boolean isValidKey(String key) {
        return keyProblem(key) == null;
    }

    /**
     * Returns {@code prefix} if it is a valid list prefix: empty, or a valid key, or a
     * valid key followed by {@code /}. (A valid key may end in the middle of a segment.)
     */
    public static String requireValidPrefix(String prefix) {
        if (prefix == null) {
            throw new IllegalArgumentException("list prefix is null");
        }
        if (prefix.isEmpty()) {
            return prefix;
        }
        String asKey = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        String problem = keyProblem(asKey);
        if (problem != null) {
            throw new IllegalArgumentException("invalid list prefix " + quote(prefix) + ": " + problem);
        }
        return prefix;
    }

    /** Null when {@code key} is valid, else the rule it breaks. */
    static String keyProblem(String key) {
        if (key == null) {
            return "is null";
        }
        if (key.isEmpty()) {
            return "is empty";
        }
        if (key.length() > MAX_KEY_LENGTH) {
            return "is longer than " + MAX_KEY_LENGTH + " characters";
        }
        if (key.charAt(0) == '/') {
            return "starts with '/'";
        }
        int segmentStart = 0;
        for (int i = 0; i <= key.length(); i++) {
            if (i == key.length() || key.charAt(i) == '/') {
                String problem = segmentProblem(key, segmentStart, i);
                if (problem != null) {
                    return problem;
                }
                segmentStart = i + 1;
            } else if (!isKeyChar(key.charAt(i))) {
                return "contains a character other than A-Z a-z 0-9 . _ = + - and / (at index " + i + ")";
            }
        }
        return null;
    }

    private static String segmentProblem(String key, int start, int end) {
        if (start == end) {
            return "has an empty segment ('//' or a trailing '/')";
        }
        if (key.charAt(start) == '.') {
            return "has a segment starting with '.' ('.', '..' and dot-names are not keys)";
        }
        if (end - start > MAX_SEGMENT_LENGTH) {
            return "has a segment longer than " + MAX_SEGMENT_LENGTH + " characters";
        }
        return null;
    }

    private static boolean isKeyChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '.' || c == '_' || c == '=' || c == '+' || c == '-';
    }

    /** The key for a message: quoted, control characters made visible, cut when very long. */
    private static String quote(String key) {
        if (key == null) {
            return "null";
        }
        StringBuilder s = new StringBuilder("'");
        for (int i = 0; i < key.length() && i < 120; i++) {
            char c = key.charAt(i);
            s.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return s.append(key.length() > 120 ? "...'" : "'").toString();
    }
}

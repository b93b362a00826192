package io.gravix.api.validate;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A matcher for the anchored character-class patterns the contracts use, such
 * as {@code ^[a-z0-9][a-z0-9_.-]*$} or {@code ^[0-9a-f]{32}$}: a sequence of
 * ASCII character classes or literals, each with an optional {@code + * ? {n} {n,m}}
 * quantifier, between {@code ^} and {@code $}. Matching is a single pass over
 * the string with no allocation, several times faster than {@link java.util.regex}
 * on the ingest hot path. {@link #tryCompile} returns null for anything else,
 * and the caller falls back to {@code java.util.regex}.
 */
final class CharClassPattern implements Predicate<String> {
    private record Part(boolean[] ascii, int min, int max) {}

    private final Part[] parts;

    private CharClassPattern(List<Part> parts) {
        this.parts = parts.toArray(new Part[0]);
    }

    /** The matcher for {@code regex}, or null when it is not of the supported form. */
    static CharClassPattern tryCompile(String regex) {
        if (!regex.startsWith("^") || !regex.endsWith("$") || regex.endsWith("\\$")) {
            return null;
        }
        String body = regex.substring(1, regex.length() - 1);
        List<Part> parts = new ArrayList<>();
        int i = 0;
        while (i < body.length()) {
            boolean[] set = new boolean[128];
            char c = body.charAt(i);
            if (c == '[') {
                int end = body.indexOf(']', i + 1);
                if (end < 0 || !parseClass(body.substring(i + 1, end), set)) {
                    return null;
                }
                i = end + 1;
            } else if (c == '\\' && i + 1 < body.length() && isPunct(body.charAt(i + 1))) {
                set[body.charAt(i + 1)] = true;
                i += 2;
            } else if (c < 128 && Character.isLetterOrDigit(c) || c == '/' || c == '_' || c == '-' || c == ':') {
                set[c] = true;
                i++;
            } else {
                return null;
            }
            int min = 1;
            int max = 1;
            if (i < body.length()) {
                char q = body.charAt(i);
                if (q == '+') {
                    max = Integer.MAX_VALUE;
                    i++;
                } else if (q == '*') {
                    min = 0;
                    max = Integer.MAX_VALUE;
                    i++;
                } else if (q == '?') {
                    min = 0;
                    i++;
                } else if (q == '{') {
                    int end = body.indexOf('}', i);
                    if (end < 0) {
                        return null;
                    }
                    String[] range = body.substring(i + 1, end).split(",", -1);
                    try {
                        min = Integer.parseInt(range[0]);
                        max = range.length == 1 ? min : range[1].isEmpty() ? Integer.MAX_VALUE : Integer.parseInt(range[1]);
                    } catch (NumberFormatException e) {
                        return null;
                    }
                    if (range.length > 2 || min > max) {
                        return null;
                    }
                    i = end + 1;
                }
            }
            parts.add(new Part(set, min, max));
        }
        // Greedy matching without backtracking is exact only if adjacent parts cannot both take a character.
        for (int p = 0; p + 1 < parts.size(); p++) {
            if (parts.get(p).min() != parts.get(p).max() && overlaps(parts.get(p).ascii(), parts.get(p + 1).ascii())) {
                return null;
            }
        }
        return new CharClassPattern(parts);
    }

    private static boolean overlaps(boolean[] a, boolean[] b) {
        for (int c = 0; c < 128; c++) {
            if (a[c] && b[c]) {
                return true;
            }
        }
        return false;
    }

    private static boolean isPunct(char c) {
        return c < 128 && !Character.isLetterOrDigit(c) && c > ' ';
    }

    /** Fills {@code set} from a class body such as {@code A-Za-z0-9._:-}; false if unsupported (negation, escapes…). */
    private static boolean parseClass(String cls, boolean[] set) {
        if (cls.isEmpty() || cls.charAt(0) == '^' || cls.indexOf('\\') >= 0 || cls.indexOf('[') >= 0) {
            return false;
        }
        int i = 0;
        while (i < cls.length()) {
            char from = cls.charAt(i);
            if (from >= 128) {
                return false;
            }
            if (i + 2 < cls.length() && cls.charAt(i + 1) == '-') {
                char to = cls.charAt(i + 2);
                if (to >= 128 || to < from) {
                    return false;
                }
                for (char c = from; c <= to; c++) {
                    set[c] = true;
                }
                i += 3;
            } else {
                set[from] = true;
                i++;
            }
        }
        return true;
    }

    @Override
    public boolean test(String s) {
        int pos = 0;
        int n = s.length();
        for (Part part : parts) {
            int count = 0;
            while (count < part.max() && pos < n) {
                char c = s.charAt(pos);
                if (c >= 128 || !part.ascii()[c]) {
                    break;
                }
                pos++;
                count++;
            }
            if (count < part.min()) {
                return false;
            }
        }
        return pos == n;
    }
}

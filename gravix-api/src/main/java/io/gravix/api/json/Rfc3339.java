package io.gravix.api.json;

import com.google.protobuf.Timestamp;

/**
 * Parses and formats RFC 3339 timestamps as the proto3 JSON mapping defines them
 * ({@code 2026-11-29T10:15:30.123Z}, any offset accepted on input, 0 to 9
 * fractional digits). Hand-written because it runs once per event on the ingest
 * hot path, where {@code java.time} parsing costs about ten times more.
 */
public final class Rfc3339 {
    private static final long MIN_SECONDS = -62135596800L; // 0001-01-01T00:00:00Z
    private static final long MAX_SECONDS = 253402300799L; // 9999-12-31T23:59:59Z

    private Rfc3339() {}

    /** Returns the timestamp, or throws IllegalArgumentException saying what is wrong. */
    public static Timestamp parse(String s) {
        int n = s.length();
        if (n < 20) {
            throw invalid(s);
        }
        int year = digits(s, 0, 4);
        expect(s, 4, '-');
        int month = digits(s, 5, 2);
        expect(s, 7, '-');
        int day = digits(s, 8, 2);
        char t = s.charAt(10);
        if (t != 'T' && t != 't') {
            throw invalid(s);
        }
        int hour = digits(s, 11, 2);
        expect(s, 13, ':');
        int minute = digits(s, 14, 2);
        expect(s, 16, ':');
        int second = digits(s, 17, 2);
        if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)
                || hour > 23 || minute > 59 || second > 59) {
            throw invalid(s);
        }
        int pos = 19;
        int nanos = 0;
        if (s.charAt(pos) == '.') {
            int start = ++pos;
            while (pos < n && isDigit(s.charAt(pos))) {
                if (pos - start < 9) {
                    nanos = nanos * 10 + (s.charAt(pos) - '0');
                } else {
                    throw invalid(s); // more than nanosecond precision
                }
                pos++;
            }
            int count = pos - start;
            if (count == 0) {
                throw invalid(s);
            }
            for (int i = count; i < 9; i++) {
                nanos *= 10;
            }
        }
        if (pos >= n) {
            throw invalid(s);
        }
        int offsetSeconds;
        char z = s.charAt(pos);
        if (z == 'Z' || z == 'z') {
            offsetSeconds = 0;
            pos++;
        } else if (z == '+' || z == '-') {
            if (pos + 6 != n) {
                throw invalid(s);
            }
            int oh = digits(s, pos + 1, 2);
            expect(s, pos + 3, ':');
            int om = digits(s, pos + 4, 2);
            if (oh > 23 || om > 59) {
                throw invalid(s);
            }
            offsetSeconds = (oh * 3600 + om * 60) * (z == '-' ? -1 : 1);
            pos += 6;
        } else {
            throw invalid(s);
        }
        if (pos != n) {
            throw invalid(s);
        }
        long seconds = daysFromCivil(year, month, day) * 86400L + hour * 3600L + minute * 60L + second - offsetSeconds;
        if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) {
            throw new IllegalArgumentException("timestamp out of range 0001-01-01..9999-12-31: " + s);
        }
        return Timestamp.newBuilder().setSeconds(seconds).setNanos(nanos).build();
    }

    /** Formats in UTC with 0, 3, 6 or 9 fractional digits, as proto3 JSON output does. */
    public static String format(Timestamp ts) {
        return java.time.Instant.ofEpochSecond(ts.getSeconds(), ts.getNanos()).toString();
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static int digits(String s, int from, int count) {
        if (from + count > s.length()) {
            throw invalid(s);
        }
        int v = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (!isDigit(c)) {
                throw invalid(s);
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static void expect(String s, int at, char c) {
        if (at >= s.length() || s.charAt(at) != c) {
            throw invalid(s);
        }
    }

    private static int daysInMonth(int year, int month) {
        switch (month) {
            case 2:
                return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4: case 6: case 9: case 11:
                return 30;
            default:
                return 31;
        }
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
    private static long daysFromCivil(int y, int m, int d) {
        y -= m <= 2 ? 1 : 0;
        long era = (y >= 0 ? y : y - 399) / 400;
        long yoe = y - era * 400;
        long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + doe - 719468;
    }

    private static IllegalArgumentException invalid(String s) {
        String shown = s.length() > 40 ? s.substring(0, 40) + "…" : s;
        return new IllegalArgumentException("not an RFC 3339 timestamp: \"" + shown + "\"");
    }
}

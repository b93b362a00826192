package io.gravix.api.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class Rfc3339Test {

    private static Timestamp ts(long seconds, int nanos) {
        return Timestamp.newBuilder().setSeconds(seconds).setNanos(nanos).build();
    }

    private static Timestamp expected(String iso) {
        Instant i = OffsetDateTime.parse(iso).toInstant();
        return ts(i.getEpochSecond(), i.getNano());
    }

    @Test
    void parsesUtcWithoutFraction() {
        assertThat(Rfc3339.parse("2026-11-29T10:15:30Z")).isEqualTo(ts(1795947330L, 0));
    }

    @Test
    void parsesTheUnixEpoch() {
        assertThat(Rfc3339.parse("1970-01-01T00:00:00Z")).isEqualTo(ts(0, 0));
    }

    @ParameterizedTest
    @CsvSource({
            // input, the same instant in a form java.time parses
            "2026-11-29T10:15:30+01:00, 2026-11-29T10:15:30+01:00",
            "2026-11-29T10:15:30-05:30, 2026-11-29T10:15:30-05:30",
            "2026-11-29T23:59:59+23:59, 2026-11-29T00:00:59Z", // beyond java.time's +-18:00
            "2026-01-01T00:00:00-00:00, 2026-01-01T00:00:00Z",
            "2026-11-29t10:15:30z, 2026-11-29T10:15:30Z",
            "2026-11-29t10:15:30.5+02:00, 2026-11-29T10:15:30.5+02:00",
    })
    void parsesOffsetsAndLowercaseSeparators(String input, String sameInstant) {
        assertThat(Rfc3339.parse(input)).isEqualTo(expected(sameInstant));
    }

    @ParameterizedTest
    @CsvSource({
            "2026-11-29T10:15:30Z, 0",
            "2026-11-29T10:15:30.1Z, 100000000",
            "2026-11-29T10:15:30.12Z, 120000000",
            "2026-11-29T10:15:30.123Z, 123000000",
            "2026-11-29T10:15:30.1234Z, 123400000",
            "2026-11-29T10:15:30.12345Z, 123450000",
            "2026-11-29T10:15:30.123456Z, 123456000",
            "2026-11-29T10:15:30.1234567Z, 123456700",
            "2026-11-29T10:15:30.12345678Z, 123456780",
            "2026-11-29T10:15:30.123456789Z, 123456789",
            "2026-11-29T10:15:30.000000001Z, 1",
            "2026-11-29T10:15:30.000000000Z, 0",
    })
    void parsesZeroToNineFractionDigits(String input, int nanos) {
        assertThat(Rfc3339.parse(input)).isEqualTo(ts(1795947330L, nanos));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2024-02-29T12:00:00Z", "2000-02-29T00:00:00Z", "1600-02-29T23:59:59Z"})
    void acceptsLeapDaysOfLeapYears(String input) {
        assertThat(Rfc3339.parse(input)).isEqualTo(expected(input));
    }

    @Test
    void acceptsTheWholeProtobufTimestampRange() {
        assertThat(Rfc3339.parse("0001-01-01T00:00:00Z")).isEqualTo(ts(-62135596800L, 0));
        assertThat(Rfc3339.parse("9999-12-31T23:59:59.999999999Z")).isEqualTo(ts(253402300799L, 999999999));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "2026-13-01T00:00:00Z",          // month 13
            "2026-00-01T00:00:00Z",          // month 0
            "2026-02-30T00:00:00Z",          // Feb 30
            "2023-02-29T00:00:00Z",          // Feb 29 of a common year
            "1900-02-29T00:00:00Z",          // centuries are common years unless divisible by 400
            "2026-04-31T00:00:00Z",          // April has 30 days
            "2026-01-00T00:00:00Z",          // day 0
            "2026-01-32T00:00:00Z",
            "2026-11-29T24:00:00Z",          // hour 24
            "2026-11-29T10:60:00Z",          // minute 60
            "2026-11-29T10:15:60Z",          // leap seconds are not representable
            "2026-11-29T10:15:30",           // missing zone
            "2026-11-29T10:15:30.123",       // missing zone after a fraction
            "2026-11-29T10:15:30.1234567890Z", // 10 fraction digits
            "2026-11-29T10:15:30.Z",         // a dot without digits
            "2026-11-29T10:15:30+01",        // offset without minutes
            "2026-11-29T10:15:30+0100",      // offset without colon
            "2026-11-29T10:15:30+24:00",     // offset hour 24
            "2026-11-29T10:15:30+01:60",     // offset minute 60
            "2026-11-29T10:15:30+01:00Z",    // content after the offset
            "2026-11-29T10:15:30ZZ",         // content after Z
            "2026-11-29 10:15:30Z",          // space instead of T
            "2026-11-29X10:15:30Z",
            "2026/11/29T10:15:30Z",
            "26-11-29T10:15:30Z",            // two-digit year
            "+2026-11-29T10:15:30Z",
            "0000-01-01T00:00:00Z",          // year 0
            "0001-01-01T00:00:00+00:01",     // before 0001-01-01T00:00:00Z once the offset is applied
            "9999-12-31T23:59:59-00:01",     // after 9999-12-31T23:59:59Z once the offset is applied
            "2026-1a-29T10:15:30Z",
            "２０２６-11-29T10:15:30Z",      // non-ASCII digits
            "",
            "garbage",
            "not a timestamp at all, really",
            "1795947330",
    })
    void rejectsInvalidTimestamps(String input) {
        assertThatThrownBy(() -> Rfc3339.parse(input))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timestamp");
    }

    @Test
    void errorMessageQuotesAnAbbreviatedInput() {
        String longGarbage = "x".repeat(500);
        assertThatThrownBy(() -> Rfc3339.parse(longGarbage))
                .hasMessageStartingWith("not an RFC 3339 timestamp: \"xxxx")
                .hasMessageEndingWith("…\"")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(100));
    }

    @ParameterizedTest
    @CsvSource({
            "0, 0, 1970-01-01T00:00:00Z",
            "1795947330, 0, 2026-11-29T10:15:30Z",
            "1795947330, 123000000, 2026-11-29T10:15:30.123Z",
            "1795947330, 123456000, 2026-11-29T10:15:30.123456Z",
            "1795947330, 123456789, 2026-11-29T10:15:30.123456789Z",
            "-62135596800, 0, 0001-01-01T00:00:00Z",
    })
    void formatsInUtcWithZeroThreeSixOrNineDigits(long seconds, int nanos, String text) {
        assertThat(Rfc3339.format(ts(seconds, nanos))).isEqualTo(text);
    }

    @Test
    void formatThenParseIsTheIdentity() {
        Random random = new Random(20261129L);
        for (int i = 0; i < 10_000; i++) {
            long seconds = -62135596800L + (long) (random.nextDouble() * (253402300799L + 62135596800L));
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1000;
                default -> random.nextInt(1_000_000_000);
            };
            Timestamp t = ts(seconds, nanos);
            String text = Rfc3339.format(t);
            assertThat(Rfc3339.parse(text)).as(text).isEqualTo(t);
            // and agrees with java.time on what the text means
            assertThat(Rfc3339.parse(text)).as(text).isEqualTo(expected(text));
        }
    }

    @Test
    void parseAgreesWithJavaTimeOnRandomOffsets() {
        Random random = new Random(7L);
        for (int i = 0; i < 5_000; i++) {
            int year = 1 + random.nextInt(9998);
            int month = 1 + random.nextInt(12);
            int day = 1 + random.nextInt(28);
            int offsetMinutes = random.nextInt(2 * 18 * 60 + 1) - 18 * 60; // java.time allows +-18:00
            String offset = offsetMinutes == 0 && random.nextBoolean() ? "Z"
                    : String.format("%s%02d:%02d", offsetMinutes < 0 ? "-" : "+", Math.abs(offsetMinutes) / 60, Math.abs(offsetMinutes) % 60);
            String text = String.format("%04d-%02d-%02dT%02d:%02d:%02d%s", year, month, day,
                    random.nextInt(24), random.nextInt(60), random.nextInt(60), offset);
            if ((year == 1 && offsetMinutes > 0) || (year == 9999 && offsetMinutes < 0)) {
                continue; // may fall outside the Timestamp range; covered above
            }
            assertThat(Rfc3339.parse(text)).as(text).isEqualTo(expected(text));
        }
    }
}

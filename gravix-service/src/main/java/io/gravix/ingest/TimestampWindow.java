package io.gravix.ingest;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Timestamp;
import java.time.Clock;

/**
 * The accepted range of event times: not older than {@code maxEventAge} and not more
 * than {@code maxClockSkew} ahead of the server clock, both to the nanosecond (the
 * rollup's dedupe window covers {@code maxEventAge + maxClockSkew} exactly, so a retry
 * can never slip past deduplication — a coarser comparison would leave a gap).
 */
final class TimestampWindow {
    private static final long MIN_SECONDS = -62135596800L;
    private static final long MAX_SECONDS = 253402300799L;

    private final Clock clock;
    private final long maxAgeMillis;
    private final long maxSkewMillis;
    private final String tooOld;
    private final String tooNew;

    TimestampWindow(Clock clock, IngestConfig config) {
        this.clock = requireNonNull(clock, "clock is null");
        this.maxAgeMillis = config.getMaxEventAge().toMilliseconds();
        this.maxSkewMillis = config.getMaxClockSkew().toMilliseconds();
        this.tooOld = "timestamp is older than the accepted window of " + config.getMaxEventAge() + " (ingest.maxEventAge)";
        this.tooNew = "timestamp is more than " + config.getMaxClockSkew() + " in the future (ingest.maxClockSkew)";
    }

    /** The current time in epoch milliseconds, read once per request. */
    long nowMillis() {
        return clock.millis();
    }

    /** Null when {@code ts} is acceptable at {@code nowMillis}, else the problem. */
    String check(Timestamp ts, long nowMillis) {
        long s = ts.getSeconds();
        int nanos = ts.getNanos();
        if (nanos < 0 || nanos > 999_999_999 || s < MIN_SECONDS || s > MAX_SECONDS) {
            return "timestamp is not a valid google.protobuf.Timestamp";
        }
        if (isBefore(s, nanos, nowMillis - maxAgeMillis)) {
            return tooOld;
        }
        if (isAfter(s, nanos, nowMillis + maxSkewMillis)) {
            return tooNew;
        }
        return null;
    }

    private static boolean isBefore(long seconds, int nanos, long epochMillis) {
        long limitSeconds = Math.floorDiv(epochMillis, 1000);
        return seconds < limitSeconds || (seconds == limitSeconds && nanos < Math.floorMod(epochMillis, 1000) * 1_000_000);
    }

    private static boolean isAfter(long seconds, int nanos, long epochMillis) {
        long limitSeconds = Math.floorDiv(epochMillis, 1000);
        return seconds > limitSeconds || (seconds == limitSeconds && nanos > Math.floorMod(epochMillis, 1000) * 1_000_000);
    }
}

package io.gravix.ingest;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Timestamp;
import java.time.Clock;

/**
 * The accepted range of event times: not older than {@code maxEventAge} (the
 * dedupe window, so a retry can never slip past deduplication) and not more
 * than {@code maxClockSkew} ahead of the server clock.
 */
final class TimestampWindow {
    private static final long MIN_SECONDS = -62135596800L;
    private static final long MAX_SECONDS = 253402300799L;

    private final Clock clock;
    private final long maxAgeSeconds;
    private final long maxSkewSeconds;
    private final String tooOld;
    private final String tooNew;

    TimestampWindow(Clock clock, IngestConfig config) {
        this.clock = requireNonNull(clock, "clock is null");
        this.maxAgeSeconds = config.getMaxEventAge().toSeconds();
        this.maxSkewSeconds = config.getMaxClockSkew().toSeconds();
        this.tooOld = "timestamp is older than the accepted window of " + config.getMaxEventAge() + " (ingest.maxEventAge)";
        this.tooNew = "timestamp is more than " + config.getMaxClockSkew() + " in the future (ingest.maxClockSkew)";
    }

    /** The current time in epoch seconds, read once per request. */
    long nowSeconds() {
        return clock.millis() / 1000;
    }

    /** Null when {@code ts} is acceptable at {@code nowSeconds}, else the problem. */
    String check(Timestamp ts, long nowSeconds) {
        long s = ts.getSeconds();
        if (ts.getNanos() < 0 || ts.getNanos() > 999_999_999 || s < MIN_SECONDS || s > MAX_SECONDS) {
            return "timestamp is not a valid google.protobuf.Timestamp";
        }
        if (s < nowSeconds - maxAgeSeconds) {
            return tooOld;
        }
        if (s > nowSeconds + maxSkewSeconds) {
            return tooNew;
        }
        return null;
    }
}

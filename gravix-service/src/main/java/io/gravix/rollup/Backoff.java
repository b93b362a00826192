package io.gravix.rollup;

import java.util.function.DoubleSupplier;

/**
 * The wait after the n-th consecutive failed run: the interval doubled per failure
 * ({@code interval × 2^(n-1)}), at most {@code max}, times a jitter of ±20 % so replicas
 * failing together do not retry in step. A pure function, tested on its own.
 */
final class Backoff {
    private final long intervalMillis;
    private final long maxMillis;
    private final DoubleSupplier random;

    Backoff(long intervalMillis, long maxMillis, DoubleSupplier random) {
        this.intervalMillis = intervalMillis;
        this.maxMillis = Math.max(intervalMillis, maxMillis);
        this.random = random;
    }

    long delayMillis(int failureStreak) {
        int doublings = Math.min(Math.max(failureStreak - 1, 0), 30);
        long base = Math.min(maxMillis, intervalMillis << doublings);
        double jitter = 0.8 + 0.4 * random.getAsDouble();
        return Math.max(1, Math.round(base * jitter));
    }
}

package io.gravix.rollup;

import java.util.Optional;

/**
 * How the rollup is doing, for health checks, metrics and the console: its run failure
 * streak, the last error and when the next attempt comes. Written by the rollup thread,
 * read by anyone (guarded by this object).
 */
public final class RollupStatus {
    /** What made the last run fail, which decides what the scheduler waits for. */
    public enum FailureKind {
        /** The object store did not answer or refused: retried as soon as it answers again. */
        STORE,
        /** Not enough free disk for the run's files: retried as soon as there is. */
        DISK,
        /** The run did not fit in the heap: retried smaller. */
        MEMORY,
        /** The lake holds this instance's runs beyond this index: needs the operator. */
        INSTANCE_CONFLICT,
        /** Anything else: retried after the backoff. */
        OTHER
    }

    /** One reading. {@code lastError} and {@code lastFailureKind} are empty before the first failure. */
    public record Snapshot(int failureStreak, Optional<FailureKind> lastFailureKind, Optional<String> lastError,
                           long lastFailureAtMillis, long nextAttemptAtMillis, long lastSuccessAtMillis) {
        public boolean failing() {
            return failureStreak > 0;
        }
    }

    private int failureStreak;
    private FailureKind lastFailureKind;
    private String lastError;
    private long lastFailureAtMillis;
    private long nextAttemptAtMillis;
    private long lastSuccessAtMillis;

    synchronized void succeeded(long nowMillis) {
        failureStreak = 0;
        nextAttemptAtMillis = 0;
        lastSuccessAtMillis = nowMillis;
    }

    synchronized void failed(FailureKind kind, String error, long nowMillis, long nextAttemptMillis) {
        failureStreak++;
        lastFailureKind = kind;
        lastError = error;
        lastFailureAtMillis = nowMillis;
        nextAttemptAtMillis = nextAttemptMillis;
    }

    synchronized void retryNow(long nowMillis) {
        nextAttemptAtMillis = nowMillis;
    }

    public synchronized Snapshot snapshot() {
        return new Snapshot(failureStreak, Optional.ofNullable(lastFailureKind), Optional.ofNullable(lastError),
                lastFailureAtMillis, nextAttemptAtMillis, lastSuccessAtMillis);
    }
}

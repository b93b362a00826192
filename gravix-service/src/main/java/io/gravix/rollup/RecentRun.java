package io.gravix.rollup;

/**
 * A committed rollup run as the operator console shows it.
 *
 * @param committedAtMillis when the run committed (epoch milliseconds)
 * @param lateEvents events that went into an hour partition which already had files of an earlier run
 * @param freshnessP50Seconds median wait of the run's events between acknowledgement and commit
 * @param freshnessMaxSeconds longest such wait
 */
public record RecentRun(String table, long runId, long committedAtMillis, long events, long duplicates, int files, long bytes,
                        long lateEvents, double freshnessP50Seconds, double freshnessMaxSeconds) {}

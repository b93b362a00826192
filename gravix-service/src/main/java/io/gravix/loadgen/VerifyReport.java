package io.gravix.loadgen;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * What {@code loadgen --verify} found in the lake for one run.
 *
 * @param expected distinct events acknowledged (202) at least once: each must be in the lake exactly once
 * @param rows rows in the lake whose id has this run's prefix
 * @param found distinct ids of this run's sent events among those rows
 * @param missing acknowledged events not in the lake
 * @param duplicated ids in the lake more than once
 * @param extraRows rows beyond the first of each duplicated id
 * @param unexpected rows with this run's prefix whose id was never sent
 * @param unacknowledged events sent but never acknowledged (may or may not be in the lake; not a failure)
 * @param unacknowledgedFound how many of those are in the lake
 * @param files lake files read in the last scan
 * @param waited from the end of sending to the last scan
 */
record VerifyReport(String runTag, long expected, long rows, long found, long missing, long duplicated, long extraRows,
                    long unexpected, long unacknowledged, long unacknowledgedFound, int files, Duration waited,
                    List<String> missingExamples, List<String> duplicatedExamples, List<String> unexpectedExamples) {
    VerifyReport {
        missingExamples = List.copyOf(missingExamples);
        duplicatedExamples = List.copyOf(duplicatedExamples);
        unexpectedExamples = List.copyOf(unexpectedExamples);
    }

    /**
     * Every acknowledged event is in the lake exactly once and nothing else carries this
     * run's prefix. A run without a single acknowledged event proves nothing, so it fails
     * too (a wrong API key or a server that refuses everything must not pass a CI check).
     */
    boolean passed() {
        return expected > 0 && missing == 0 && duplicated == 0 && unexpected == 0;
    }

    /** Why the verification failed, in one line; null when it {@link #passed()}. */
    String failure() {
        if (passed()) {
            return null;
        }
        if (expected == 0) {
            return "verification failed: no event was acknowledged (202), so there is nothing to verify";
        }
        return String.format("verification failed: %d missing, %d duplicated, %d unexpected", missing, duplicated, unexpected);
    }

    VerifyReport afterWaiting(Duration waited) {
        return new VerifyReport(runTag, expected, rows, found, missing, duplicated, extraRows, unexpected, unacknowledged,
                unacknowledgedFound, files, waited, missingExamples, duplicatedExamples, unexpectedExamples);
    }

    void print(String table, PrintStream out) {
        out.printf("  lake            : %s, %d files, %d rows of run %s, last read %.1f s after sending%n",
                table, files, rows, runTag, waited.toMillis() / 1000.0);
        out.printf("  verify          : expected %d, found %d, missing %d, duplicated %d (%d extra rows), unexpected %d%n",
                expected, found, missing, duplicated, extraRows, unexpected);
        out.printf("  unacknowledged  : %d (%d of them in the lake; either is allowed)%n", unacknowledged, unacknowledgedFound);
        examples("missing", missingExamples, out);
        examples("duplicated", duplicatedExamples, out);
        examples("unexpected", unexpectedExamples, out);
        out.println(passed() ? "  verify result   : OK, every acknowledged event is in the lake exactly once"
                : expected == 0 ? "  verify result   : FAILED, no event was acknowledged" : "  verify result   : FAILED");
    }

    private static void examples(String what, List<String> ids, PrintStream out) {
        if (!ids.isEmpty()) {
            out.printf("    e.g. %-10s: %s%n", what, String.join(" ", ids));
        }
    }
}

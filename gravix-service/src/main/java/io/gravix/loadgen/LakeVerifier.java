package io.gravix.loadgen;

import static java.util.Objects.requireNonNull;

import io.gravix.rollup.LakeScan;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * {@code loadgen --verify} after the sending: triggers a rollup, then reads the run's
 * stretch of the lake table (the hour partitions from the run's first event to now) until
 * every acknowledged event is there or the timeout passes, and returns the last scan's
 * figures. Duplicates and unexpected rows are judged on that last scan: it is taken after
 * the rollup of everything the run sent, so later scans could only add rows the rollup
 * should never write.
 */
final class LakeVerifier {
    private final LakeScan scan;
    private final String lakeTable;
    private final RollupTrigger trigger;
    private final Duration timeout;
    private final Duration pollInterval;
    private final Clock clock;
    private final PrintStream out;

    LakeVerifier(LakeScan scan, String lakeTable, RollupTrigger trigger, Duration timeout, Duration pollInterval, Clock clock,
                 PrintStream out) {
        this.scan = requireNonNull(scan, "scan is null");
        this.lakeTable = requireNonNull(lakeTable, "lakeTable is null");
        this.trigger = requireNonNull(trigger, "trigger is null");
        this.timeout = requireNonNull(timeout, "timeout is null");
        this.pollInterval = requireNonNull(pollInterval, "pollInterval is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.out = requireNonNull(out, "out is null");
    }

    /**
     * @param eventsFrom no event of the run is older: where the scan starts
     * @throws IOException if the lake cannot be listed or a file in it cannot be read
     */
    VerifyReport verify(String runTag, SentIds sent, Instant eventsFrom) throws IOException, InterruptedException {
        Instant start = clock.instant();
        Instant deadline = start.plus(timeout);
        out.println("  " + trigger.trigger());
        while (true) {
            LakeTally tally = new LakeTally(runTag, sent);
            LakeScan.Result read = scan.eventIds(lakeTable, eventsFrom, clock.instant(), tally);
            Instant now = clock.instant();
            VerifyReport report = tally.report(read.files()).afterWaiting(Duration.between(start, now));
            if (report.missing() == 0 || !now.isBefore(deadline)) {
                return report;
            }
            Thread.sleep(Math.max(1, Math.min(pollInterval.toMillis(), Duration.between(now, deadline).toMillis())));
        }
    }
}

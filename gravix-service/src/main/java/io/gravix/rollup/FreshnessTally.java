package io.gravix.rollup;

import io.gravix.rollup.columns.EventColumns;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import java.util.Arrays;

/**
 * How long the events a run keeps waited between their acknowledgement ({@code ingested_at},
 * one value per spool frame) and the run's commit: the "202 → queryable" latency of
 * {@code lake_freshness_seconds}. Gathered per frame, one array slot per frame, not per
 * event; the histogram still counts every event.
 */
final class FreshnessTally {
    /** The tally of the rows {@code columns} hold (after the run's dedupe: the events it keeps). */
    static FreshnessTally of(EventColumns columns) {
        FreshnessTally tally = new FreshnessTally();
        columns.forEachFrame(tally::add);
        return tally;
    }

    private long[] ingestedAtMicros = new long[64];
    private int[] events = new int[64];
    private int frames;
    private long total;

    /** {@code kept} events of one frame acknowledged at {@code ingestedAtMicros} go into the lake with this run. */
    void add(long ingestedAtMicros, int kept) {
        if (kept == 0) {
            return;
        }
        if (frames == this.ingestedAtMicros.length) {
            this.ingestedAtMicros = Arrays.copyOf(this.ingestedAtMicros, frames * 2);
            events = Arrays.copyOf(events, frames * 2);
        }
        this.ingestedAtMicros[frames] = ingestedAtMicros;
        events[frames] = kept;
        frames++;
        total += kept;
    }

    long events() {
        return total;
    }

    /** Observes each kept event's wait until {@code committedAtMillis}, in seconds (never negative: clocks may step). */
    void observe(DistributionDataPoint histogram, long committedAtMillis) {
        for (int i = 0; i < frames; i++) {
            double seconds = seconds(i, committedAtMillis);
            for (int n = 0; n < events[i]; n++) {
                histogram.observe(seconds);
            }
        }
    }

    /** The wait of the event at quantile {@code q} (0..1) of this run, in seconds; 0 when the run kept nothing. */
    double quantile(double q, long committedAtMillis) {
        if (frames == 0) {
            return 0;
        }
        Integer[] order = new Integer[frames];
        for (int i = 0; i < frames; i++) {
            order[i] = i;
        }
        // Oldest acknowledgement first = longest wait first; walk until q of the events are covered.
        Arrays.sort(order, (a, b) -> Long.compare(ingestedAtMicros[b], ingestedAtMicros[a]));
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (Integer i : order) {
            seen += events[i];
            if (seen >= Math.max(rank, 1)) {
                return seconds(i, committedAtMillis);
            }
        }
        return seconds(order[frames - 1], committedAtMillis);
    }

    private double seconds(int frame, long committedAtMillis) {
        return Math.max(0, committedAtMillis * 1000 - ingestedAtMicros[frame]) / 1e6;
    }
}

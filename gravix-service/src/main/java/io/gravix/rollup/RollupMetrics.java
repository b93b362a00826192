package io.gravix.rollup;

import io.gravix.spool.Table;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.DoubleSupplier;

/** The rollup's Prometheus collectors (names fixed by DESIGN.md §9). */
final class RollupMetrics {
    final Counter events;
    final Counter duplicates;
    final Histogram writeDuration;
    final Counter bytesWritten;
    final Counter runs;
    final Gauge lastSuccess;
    final Histogram freshness;
    final Counter lateEvents;
    final RecentRuns recentRuns = new RecentRuns();
    final Gauge seenIds;
    final Gauge seenIdsMemory;
    final Gauge seenIdsDisk;

    RollupMetrics(PrometheusRegistry registry, DoubleSupplier lagSeconds, RollupStatus status) {
        events = Counter.builder()
                .name("rollup_events_total")
                .help("Events written to the lake")
                .labelNames("table")
                .register(registry);
        duplicates = Counter.builder()
                .name("rollup_duplicates_total")
                .help("Events dropped because their event_id was already kept within the dedupe window")
                .labelNames("table")
                .register(registry);
        writeDuration = Histogram.builder()
                .name("rollup_parquet_write_duration_seconds")
                .help("Time to write one Parquet file and put it into the object store")
                .labelNames("table")
                .classicOnly()
                .classicUpperBounds(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
                .register(registry);
        bytesWritten = Counter.builder()
                .name("rollup_bytes_written_total")
                .help("Parquet bytes put into the object store")
                .register(registry);
        runs = Counter.builder()
                .name("rollup_runs_total")
                .help("Rollup runs by outcome (success, failure)")
                .labelNames("outcome")
                .register(registry);
        for (String outcome : new String[] {"success", "failure"}) {
            runs.labelValues(outcome);
        }
        for (Table table : io.gravix.spool.Table.values()) {
            // Every table's series exist from the start, so dashboards and alerts see 0, not "no data".
            events.labelValues(table.tableName());
            duplicates.labelValues(table.tableName());
        }
        lastSuccess = Gauge.builder()
                .name("rollup_last_success_timestamp_seconds")
                .help("When a rollup run last committed (Unix seconds; 0 before the first)")
                .register(registry);
        freshness = Histogram.builder()
                .name("lake_freshness_seconds")
                .help("Per event: time from its acknowledgement (ingested_at) to the commit of the rollup run that put it into the lake")
                .labelNames("table")
                .classicOnly()
                .classicUpperBounds(1, 2, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 300, 600, 1200, 1800, 3600)
                .register(registry);
        lateEvents = Counter.builder()
                .name("rollup_late_events_total")
                .help("Events rolled up into an hour partition that already had files from an earlier run (each such run adds a file)")
                .labelNames("table")
                .register(registry);
        for (Table table : io.gravix.spool.Table.values()) {
            freshness.labelValues(table.tableName());
            lateEvents.labelValues(table.tableName());
        }
        GaugeWithCallback.builder()
                .name("rollup_lag_seconds")
                .help("Age of the oldest sealed batch not yet rolled up (0 when none waits)")
                .callback(cb -> cb.call(lagSeconds.getAsDouble()))
                .register(registry);
        seenIds = Gauge.builder()
                .name("rollup_seen_ids")
                .help("Event ids the seen-id index remembers (the dedupe window)")
                .labelNames("table")
                .register(registry);
        seenIdsMemory = Gauge.builder()
                .name("rollup_seen_ids_memory_bytes")
                .help("Heap the seen-id index takes: fingerprints plus the exact-id cache")
                .labelNames("table")
                .register(registry);
        seenIdsDisk = Gauge.builder()
                .name("rollup_seen_ids_disk_bytes")
                .help("Disk the seen-id index's fingerprint files take in <dataDir>/seen-ids")
                .labelNames("table")
                .register(registry);
        GaugeWithCallback.builder()
                .name("rollup_failure_streak")
                .help("Consecutive failed rollup runs (0 after a success)")
                .callback(cb -> cb.call(status.snapshot().failureStreak()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("rollup_next_attempt_timestamp_seconds")
                .help("When a failed run is retried at the latest (Unix seconds; 0 when not backing off)")
                .callback(cb -> {
                    RollupStatus.Snapshot s = status.snapshot();
                    cb.call(s.failing() ? s.nextAttemptAtMillis() / 1000.0 : 0);
                })
                .register(registry);
    }

    /** After a run of {@code table} committed at {@code committedAtMillis}: freshness per kept event, late events, the console's run list. */
    void committed(String table, long runId, long committedAtMillis, FreshnessTally kept, long late, long duplicates, int files,
                   long bytes) {
        kept.observe(freshness.labelValues(table), committedAtMillis);
        lateEvents.labelValues(table).inc(late);
        recentRuns.add(new RecentRun(table, runId, committedAtMillis, kept.events(), duplicates, files, bytes, late,
                kept.quantile(0.5, committedAtMillis), kept.quantile(1, committedAtMillis)));
    }
}

package io.gravix.rollup;

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
    final Gauge seenIds;
    final Gauge seenIdsMemory;

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
        lastSuccess = Gauge.builder()
                .name("rollup_last_success_timestamp_seconds")
                .help("When a rollup run last committed (Unix seconds; 0 before the first)")
                .register(registry);
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
}

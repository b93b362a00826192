package io.gravix.spool;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.LongSupplier;

/** The spool's Prometheus collectors (names fixed by DESIGN.md §9, plus group-commit detail). */
public final class SpoolMetrics {
    final Histogram fsyncDuration;
    final Counter flushes;
    final Counter requestsWritten;
    final Counter eventsWritten;
    final Counter bytesWritten;

    public SpoolMetrics(PrometheusRegistry registry, LongSupplier sealedBatches, LongSupplier sealedBytes, LongSupplier diskFree) {
        fsyncDuration = Histogram.builder()
                .name("batch_fsync_duration_seconds")
                .help("Time of one group-commit fsync of a spool file")
                .classicOnly()
                .classicUpperBounds(0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5)
                .register(registry);
        flushes = Counter.builder()
                .name("spool_flushes_total")
                .help("Group commits (one fsync each) by table and the reason the writer stopped gathering")
                .labelNames("table", "reason")
                .register(registry);
        requestsWritten = Counter.builder()
                .name("spool_requests_written_total")
                .help("Requests (frames) made durable in the spool")
                .labelNames("table")
                .register(registry);
        eventsWritten = Counter.builder()
                .name("spool_events_written_total")
                .help("Events made durable in the spool")
                .labelNames("table")
                .register(registry);
        bytesWritten = Counter.builder()
                .name("spool_bytes_written_total")
                .help("Frame bytes appended to spool files")
                .labelNames("table")
                .register(registry);
        GaugeWithCallback.builder()
                .name("spool_sealed_batches")
                .help("Sealed spool batches waiting for rollup")
                .callback(cb -> cb.call(sealedBatches.getAsLong()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("spool_sealed_bytes")
                .help("Bytes in sealed spool batches waiting for rollup")
                .callback(cb -> cb.call(sealedBytes.getAsLong()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("spool_disk_free_bytes")
                .help("Usable bytes on the spool's file system")
                .callback(cb -> cb.call(diskFree.getAsLong()))
                .register(registry);
    }
}

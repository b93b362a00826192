package io.gravix.ingest;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** Ingest's Prometheus collectors; names and labels fixed by DESIGN.md §9. */
final class IngestMetrics {
    final Counter requests;
    final Counter errors;
    final Counter events;
    final Histogram duration;

    IngestMetrics(PrometheusRegistry registry) {
        requests = Counter.builder()
                .name("ingestion_request_count")
                .help("Ingest requests by table, body format and HTTP status")
                .labelNames("table", "format", "code")
                .register(registry);
        errors = Counter.builder()
                .name("ingestion_error_count")
                .help("Refused ingest requests by table and reason")
                .labelNames("table", "reason")
                .register(registry);
        events = Counter.builder()
                .name("ingestion_events_total")
                .help("Events accepted (acknowledged with 202)")
                .labelNames("table")
                .register(registry);
        duration = Histogram.builder()
                .name("ingestion_request_duration_seconds")
                .help("Time from request start to answer, including the fsync wait")
                .labelNames("table")
                .classicOnly()
                .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
                .register(registry);
    }
}

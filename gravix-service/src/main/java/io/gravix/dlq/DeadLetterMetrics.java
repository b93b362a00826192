package io.gravix.dlq;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The dead-letter queue's Prometheus collector (name fixed by DESIGN.md §9). */
public final class DeadLetterMetrics {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterMetrics.class);

    private DeadLetterMetrics() {}

    /** Registers {@code dlq_files}, counted from the queue directory at each scrape. */
    public static void register(PrometheusRegistry registry, DeadLetterQueue queue) {
        GaugeWithCallback.builder()
                .name("dlq_files")
                .help("Spool files in the dead-letter queue, waiting for an operator to inspect, replay or purge them")
                .callback(cb -> {
                    try {
                        cb.call(queue.count());
                    } catch (IOException e) {
                        // No sample rather than a wrong one; the scrape still succeeds.
                        LOG.warn("cannot count the dead-letter queue in {}", queue.directory(), e);
                    }
                })
                .register(registry);
    }
}

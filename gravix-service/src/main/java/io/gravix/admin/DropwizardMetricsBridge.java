package io.gravix.admin;

import static java.util.Objects.requireNonNull;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Metered;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Sampling;
import com.codahale.metrics.Snapshot;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.PrometheusNaming;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Exposes Dropwizard's own metrics (Jetty requests and thread pools, JVM
 * buffers, logback events, …) on {@code /metrics}, under a {@code dropwizard_}
 * prefix so they never clash with Gravix's collectors.
 *
 * <p>Written here because client_java 1.x's bridge for Dropwizard metrics 4 is
 * not served by the registry this project builds from, and the old
 * {@code simpleclient_dropwizard} is end of life. Mapping: numeric gauges and
 * counters → gauges, meters → counters ({@code _total}), timers and histograms
 * → summaries with their count and reservoir quantiles (timers in seconds).
 * Gravix's own latencies are real Prometheus histograms, not these.
 */
public final class DropwizardMetricsBridge implements MultiCollector {
    private static final double[] QUANTILES = {0.5, 0.75, 0.95, 0.99};

    /** jvm.* duplicates client_java's JvmMetrics, which /metrics exposes already. */
    private static final com.codahale.metrics.MetricFilter NOT_JVM = (name, metric) -> !name.startsWith("jvm.");

    private final MetricRegistry registry;

    public DropwizardMetricsBridge(MetricRegistry registry) {
        this.registry = requireNonNull(registry, "registry is null");
    }

    @Override
    public MetricSnapshots collect() {
        List<MetricSnapshot> snapshots = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Map.Entry<String, Gauge> e : registry.getGauges(NOT_JVM).entrySet()) {
            Object value = e.getValue().getValue();
            if (value instanceof Number && unseen(seen, name(e.getKey()))) {
                snapshots.add(gauge(name(e.getKey()), ((Number) value).doubleValue()));
            } else if (value instanceof Boolean && unseen(seen, name(e.getKey()))) {
                snapshots.add(gauge(name(e.getKey()), (Boolean) value ? 1 : 0));
            }
        }
        for (Map.Entry<String, Counter> e : registry.getCounters(NOT_JVM).entrySet()) {
            if (unseen(seen, name(e.getKey()))) {
                snapshots.add(gauge(name(e.getKey()), e.getValue().getCount()));
            }
        }
        for (Map.Entry<String, com.codahale.metrics.Meter> e : registry.getMeters(NOT_JVM).entrySet()) {
            addMeter(snapshots, seen, e.getKey(), e.getValue());
        }
        for (Map.Entry<String, com.codahale.metrics.Timer> e : registry.getTimers(NOT_JVM).entrySet()) {
            addSummary(snapshots, seen, e.getKey() + "_seconds", e.getValue(), e.getValue().getCount(), 1e-9);
        }
        for (Map.Entry<String, com.codahale.metrics.Histogram> e : registry.getHistograms(NOT_JVM).entrySet()) {
            addSummary(snapshots, seen, e.getKey(), e.getValue(), e.getValue().getCount(), 1);
        }
        return new MetricSnapshots(snapshots);
    }

    private static boolean unseen(Set<String> seen, String name) {
        return seen.add(name);
    }

    /** {@code io.dropwizard.jetty.MutableServletContextHandler.2xx-responses} → {@code dropwizard_io_dropwizard_jetty_mutable_servlet_context_handler_2xx_responses}. */
    static String name(String dropwizardName) {
        String snake = dropwizardName.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replaceAll("[^A-Za-z0-9_:]", "_")
                .replaceAll("_+", "_").toLowerCase(java.util.Locale.ROOT);
        return PrometheusNaming.sanitizeMetricName("dropwizard_" + snake);
    }

    private static GaugeSnapshot gauge(String name, double value) {
        return GaugeSnapshot.builder().name(name).help("Dropwizard metric")
                .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(value).build()).build();
    }

    private static void addMeter(List<MetricSnapshot> out, Set<String> seen, String key, Metered meter) {
        String name = name(key);
        if (unseen(seen, name)) {
            out.add(CounterSnapshot.builder().name(name).help("Dropwizard meter")
                    .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().value(meter.getCount()).build()).build());
        }
    }

    private static void addSummary(List<MetricSnapshot> out, Set<String> seen, String key, Sampling sampling, long count, double scale) {
        String name = name(key);
        if (!unseen(seen, name)) {
            return;
        }
        Snapshot s = sampling.getSnapshot();
        Quantiles.Builder quantiles = Quantiles.builder();
        for (double q : QUANTILES) {
            quantiles.quantile(new Quantile(q, s.getValue(q) * scale));
        }
        out.add(SummarySnapshot.builder().name(name).help("Dropwizard timer or histogram (reservoir quantiles)")
                .dataPoint(SummarySnapshot.SummaryDataPointSnapshot.builder().count(count)
                        .sum(Double.NaN).quantiles(quantiles.build()).build())
                .build());
    }
}

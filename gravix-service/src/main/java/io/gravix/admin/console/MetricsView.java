package io.gravix.admin.console;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBucket;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One scrape of the registry {@code /metrics} serves, read the way the console needs it:
 * sums of counters and gauges over the data points matching some labels, and quantiles of
 * histograms (lifetime, as {@code histogram_quantile} over the cumulative buckets). The
 * console shows what {@code /metrics} says, never a second bookkeeping.
 */
final class MetricsView {
    private final MetricSnapshots snapshots;

    MetricsView(PrometheusRegistry registry) {
        this.snapshots = registry.scrape();
    }

    /** Sum over the data points of {@code name} (without {@code _total}) whose labels include {@code labels}; NaN when absent. */
    double sum(String name, Map<String, String> labels) {
        double total = 0;
        boolean found = false;
        for (DataPointSnapshot p : points(name)) {
            if (matches(p, labels)) {
                found = true;
                total += p instanceof CounterSnapshot.CounterDataPointSnapshot c ? c.getValue()
                        : p instanceof GaugeSnapshot.GaugeDataPointSnapshot g ? g.getValue() : 0;
            }
        }
        return found ? total : Double.NaN;
    }

    double sum(String name) {
        return sum(name, Map.of());
    }

    /** Events observed by histogram {@code name} over matching data points. */
    long count(String name, Map<String, String> labels) {
        long n = 0;
        for (DataPointSnapshot p : points(name)) {
            if (p instanceof HistogramSnapshot.HistogramDataPointSnapshot h && matches(p, labels)) {
                n += h.getCount();
            }
        }
        return n;
    }

    /** The q-quantile (0..1) of histogram {@code name}, interpolated inside its bucket like PromQL; NaN without observations. */
    double quantile(String name, Map<String, String> labels, double q) {
        List<double[]> buckets = new ArrayList<>(); // {upper bound, count}, merged over data points
        for (DataPointSnapshot p : points(name)) {
            if (p instanceof HistogramSnapshot.HistogramDataPointSnapshot h && matches(p, labels) && h.hasClassicHistogramData()) {
                int i = 0;
                for (ClassicHistogramBucket b : h.getClassicBuckets()) {
                    if (buckets.size() <= i) {
                        buckets.add(new double[] {b.getUpperBound(), 0});
                    }
                    buckets.get(i++)[1] += b.getCount();
                }
            }
        }
        long total = 0;
        for (double[] b : buckets) {
            total += (long) b[1];
        }
        if (total == 0) {
            return Double.NaN;
        }
        double rank = q * total;
        double seen = 0;
        double lower = 0;
        for (double[] b : buckets) {
            if (seen + b[1] >= rank) {
                if (Double.isInfinite(b[0])) {
                    return lower; // PromQL answers the highest finite bound
                }
                return lower + (b[0] - lower) * (b[1] == 0 ? 0 : (rank - seen) / b[1]);
            }
            seen += b[1];
            lower = b[0];
        }
        return lower;
    }

    private List<? extends DataPointSnapshot> points(String name) {
        for (MetricSnapshot s : snapshots) {
            if (s.getMetadata().getName().equals(name)) {
                return s.getDataPoints();
            }
        }
        return List.of();
    }

    private static boolean matches(DataPointSnapshot p, Map<String, String> labels) {
        for (Map.Entry<String, String> e : labels.entrySet()) {
            if (!e.getValue().equals(p.getLabels().get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }
}

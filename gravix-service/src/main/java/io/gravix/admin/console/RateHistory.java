package io.gravix.admin.console;

import io.dropwizard.lifecycle.Managed;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The last 15 minutes of ingest and rollup rates for the console's charts, kept in memory:
 * every {@value #STEP_SECONDS} s it reads the counters {@code /metrics} serves and keeps the
 * per-second rate since the previous sample ({@value #POINTS} points).
 */
public final class RateHistory implements Managed {
    static final int STEP_SECONDS = 10;
    static final int POINTS = 15 * 60 / STEP_SECONDS;

    /** Per-second rates over one step ending at {@code atMillis}. */
    record Point(long atMillis, double ingestEvents, double ingestRequests, double ingestErrors, double rollupEvents) {}

    private final PrometheusRegistry registry;
    private final Clock clock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "console-history");
        t.setDaemon(true);
        return t;
    });
    /** Guarded by itself; one writer (the timer), readers render pages. */
    private final Deque<Point> points = new ArrayDeque<>();
    private double[] last;
    private long lastAt;

    RateHistory(PrometheusRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    @Override
    public void start() {
        timer.scheduleAtFixedRate(this::sample, 0, STEP_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void stop() {
        timer.shutdownNow();
    }

    void sample() {
        MetricsView m = new MetricsView(registry);
        double[] now = {zeroIfAbsent(m.sum("ingestion_events")), zeroIfAbsent(m.sum("ingestion_request_count")),
                zeroIfAbsent(m.sum("ingestion_error_count")), zeroIfAbsent(m.sum("rollup_events"))};
        long at = clock.millis();
        if (last != null && at > lastAt) {
            double s = (at - lastAt) / 1000.0;
            Point p = new Point(at, (now[0] - last[0]) / s, (now[1] - last[1]) / s, (now[2] - last[2]) / s, (now[3] - last[3]) / s);
            synchronized (points) {
                points.addLast(p);
                while (points.size() > POINTS) {
                    points.removeFirst();
                }
            }
        }
        last = now;
        lastAt = at;
    }

    List<Point> points() {
        synchronized (points) {
            return new ArrayList<>(points);
        }
    }

    private static double zeroIfAbsent(double v) {
        return Double.isNaN(v) ? 0 : v;
    }
}

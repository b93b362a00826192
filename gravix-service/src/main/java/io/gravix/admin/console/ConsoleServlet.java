package io.gravix.admin.console;

import static java.util.Objects.requireNonNull;

import com.codahale.metrics.health.HealthCheck;
import com.codahale.metrics.health.HealthCheckRegistry;
import io.gravix.admin.BuildInfo;
import io.gravix.admin.ProbeServlet;
import io.gravix.dlq.DeadLetterEntry;
import io.gravix.dlq.DeadLetterQueue;
import io.gravix.rollup.RecentRun;
import io.gravix.rollup.RollupService;
import io.gravix.spool.Table;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.function.ToDoubleFunction;

/**
 * The operator console, {@code GET /console} on the admin port: one server-rendered page,
 * no build step and no external asset (its style and script are inlined, allowed by a
 * per-page nonce in a strict Content-Security-Policy). The overview is as open as
 * {@code /metrics}; what shows event contents (the tap, DLQ frames) and what changes
 * anything (replay, purge) is fetched by the page's script with the admin token, entered
 * in the page, in an {@code Authorization} header — never in a URL, cookie or log.
 * Every figure comes from the registry {@code /metrics} serves; every string that did
 * not come from this class is escaped.
 */
public final class ConsoleServlet extends HttpServlet {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String CSS = resource("console.css");
    private static final String JS = resource("console.js");

    /** What the console reads; all of it in memory except the health checks and the DLQ directory listing. */
    public record Sources(io.prometheus.metrics.model.registry.PrometheusRegistry registry, HealthCheckRegistry healthChecks,
                          ProbeServlet readiness, ProbeServlet liveness, RollupService rollup, DeadLetterQueue deadLetters,
                          BuildInfo build) {}

    private final Sources sources;
    private final RateHistory history;

    public ConsoleServlet(Sources sources, RateHistory history) {
        this.sources = requireNonNull(sources, "sources is null");
        this.history = requireNonNull(history, "history is null");
    }

    /** The 15-minute rate history the page charts; manage it with the application's lifecycle. */
    public static RateHistory history(io.prometheus.metrics.model.registry.PrometheusRegistry registry, java.time.Clock clock) {
        return new RateHistory(registry, clock);
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String nonce = Base64.getEncoder().encodeToString(nonceBytes());
        resp.setContentType("text/html; charset=utf-8");
        resp.setHeader("Cache-Control", "no-store");
        resp.setHeader("Content-Security-Policy", "default-src 'none'; script-src 'nonce-" + nonce + "'; style-src 'nonce-" + nonce
                + "'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.setHeader("Referrer-Policy", "no-referrer");
        resp.getOutputStream().write(page(nonce).getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] nonceBytes() {
        byte[] b = new byte[18];
        RANDOM.nextBytes(b);
        return b;
    }

    String page(String nonce) {
        MetricsView m = new MetricsView(sources.registry());
        StringBuilder h = new StringBuilder(32_768);
        h.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Gravix console</title>")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><link rel=\"icon\" href=\"data:,\">")
                .append("<style nonce=\"").append(nonce).append("\">").append(CSS).append("</style></head><body>");
        h.append("<header><h1>Gravix console</h1><p class=\"muted\">version ").append(Html.escape(sources.build().version()))
                .append(" · revision ").append(Html.escape(sources.build().revision())).append(" · rendered ")
                .append(Html.escape(Instant.now().toString())).append(" · <a href=\"/console\">refresh</a> · <a href=\"/metrics\">/metrics</a></p></header>");
        health(h);
        ingest(h, m);
        spool(h, m);
        rollup(h, m);
        dlq(h, m);
        tap(h);
        h.append("<script nonce=\"").append(nonce).append("\">").append(JS).append("</script></body></html>");
        return h.toString();
    }

    private void health(StringBuilder h) {
        h.append("<section id=\"health\"><h2>Health</h2><div class=\"cols\">");
        probe(h, "Readiness (/ready)", sources.readiness().evaluate());
        probe(h, "Liveness (/live)", sources.liveness().evaluate());
        h.append("<table><caption>Health checks (/healthcheck)</caption>");
        SortedMap<String, HealthCheck.Result> results = sources.healthChecks().runHealthChecks();
        results.forEach((name, r) -> row(h, name, r.isHealthy() ? "healthy" : "UNHEALTHY: " + r.getMessage(), r.isHealthy()));
        h.append("</table></div></section>");
    }

    @SuppressWarnings("unchecked")
    private static void probe(StringBuilder h, String title, ProbeServlet.Answer answer) {
        h.append("<table><caption>").append(Html.escape(title)).append(": ").append(answer.status()).append("</caption>");
        ((Map<String, Map<String, Object>>) answer.body().get("checks")).forEach((name, r) -> {
            boolean ok = Boolean.TRUE.equals(r.get("healthy"));
            row(h, name, ok ? "ok" : String.valueOf(r.get("message")), ok);
        });
        h.append("</table>");
    }

    private static void row(StringBuilder h, String name, String value, boolean ok) {
        h.append("<tr class=\"").append(ok ? "ok" : "bad").append("\"><th>").append(Html.escape(name)).append("</th><td>")
                .append(Html.escape(value)).append("</td></tr>");
    }

    private void ingest(StringBuilder h, MetricsView m) {
        h.append("<section id=\"ingest\"><h2>Ingest</h2><table><tr><th>table</th><th>events accepted</th><th>requests</th>")
                .append("<th>refused requests</th><th>ack p50</th><th>ack p99</th></tr>");
        for (Table t : Table.values()) {
            Map<String, String> l = Map.of("table", t.tableName());
            h.append("<tr><th>").append(t.tableName()).append("</th>");
            figure(h, "ingestion_events_total", t, m.sum("ingestion_events", l));
            figure(h, "ingestion_request_count_total", t, m.sum("ingestion_request_count", l));
            figure(h, "ingestion_error_count_total", t, m.sum("ingestion_error_count", l));
            h.append("<td>").append(millis(m.quantile("ingestion_request_duration_seconds", l, 0.5))).append("</td><td>")
                    .append(millis(m.quantile("ingestion_request_duration_seconds", l, 0.99))).append("</td></tr>");
        }
        h.append("</table><p class=\"muted\">Ack latency: over the process lifetime, from the histogram on /metrics.</p><div class=\"cols\">");
        chart(h, "Ingest events/s", "events/s", RateHistory.Point::ingestEvents);
        chart(h, "Ingest requests/s", "req/s", RateHistory.Point::ingestRequests);
        chart(h, "Refused requests/s", "req/s", RateHistory.Point::ingestErrors);
        h.append("</div></section>");
    }

    private void spool(StringBuilder h, MetricsView m) {
        h.append("<section id=\"spool\"><h2>Spool</h2><table>");
        h.append("<tr><th>sealed batches waiting for rollup</th>");
        figure(h, "spool_sealed_batches", null, m.sum("spool_sealed_batches"));
        h.append("</tr><tr><th>sealed bytes waiting</th><td>").append(bytes(m.sum("spool_sealed_bytes"))).append("</td></tr>");
        h.append("<tr><th>spool disk free</th><td>").append(bytes(m.sum("spool_disk_free_bytes"))).append("</td></tr>");
        h.append("<tr><th>fsync p99</th><td>").append(millis(m.quantile("batch_fsync_duration_seconds", Map.of(), 0.99))).append("</td></tr>");
        h.append("</table></section>");
    }

    private void rollup(StringBuilder h, MetricsView m) {
        h.append("<section id=\"rollup\"><h2>Rollup</h2><table><tr><th>table</th><th>events into the lake</th><th>duplicates dropped</th>")
                .append("<th>late events</th><th>freshness p50</th><th>freshness p99</th></tr>");
        for (Table t : Table.values()) {
            Map<String, String> l = Map.of("table", t.tableName());
            h.append("<tr><th>").append(t.tableName()).append("</th>");
            figure(h, "rollup_events_total", t, m.sum("rollup_events", l));
            figure(h, "rollup_duplicates_total", t, m.sum("rollup_duplicates", l));
            figure(h, "rollup_late_events_total", t, m.sum("rollup_late_events", l));
            h.append("<td>").append(seconds(m.quantile("lake_freshness_seconds", l, 0.5))).append("</td><td>")
                    .append(seconds(m.quantile("lake_freshness_seconds", l, 0.99))).append("</td></tr>");
        }
        h.append("</table><p>Lag (oldest sealed batch not rolled up): ").append(seconds(m.sum("rollup_lag_seconds")))
                .append(" · runs succeeded: ").append(count(m.sum("rollup_runs", Map.of("outcome", "success"))))
                .append(" · failed: ").append(count(m.sum("rollup_runs", Map.of("outcome", "failure")))).append("</p>");
        chart(h, "Rollup events/s", "events/s", RateHistory.Point::rollupEvents);
        h.append("<table id=\"runs\"><caption>Last rollup runs</caption><tr><th>committed</th><th>table</th><th>run</th><th>events</th>")
                .append("<th>duplicates</th><th>late</th><th>files</th><th>bytes</th><th>freshness p50</th><th>freshness max</th></tr>");
        List<RecentRun> runs = sources.rollup().recentRuns();
        if (runs.isEmpty()) {
            h.append("<tr><td colspan=\"10\" class=\"muted\">no run committed since start</td></tr>");
        }
        for (RecentRun r : runs) {
            h.append("<tr><td>").append(Html.escape(Instant.ofEpochMilli(r.committedAtMillis()).toString())).append("</td><td>")
                    .append(Html.escape(r.table())).append("</td><td>").append(r.runId()).append("</td><td>").append(r.events())
                    .append("</td><td>").append(r.duplicates()).append("</td><td>").append(r.lateEvents()).append("</td><td>")
                    .append(r.files()).append("</td><td>").append(bytes(r.bytes())).append("</td><td>").append(seconds(r.freshnessP50Seconds()))
                    .append("</td><td>").append(seconds(r.freshnessMaxSeconds())).append("</td></tr>");
        }
        h.append("</table></section>");
    }

    private void dlq(StringBuilder h, MetricsView m) {
        h.append("<section id=\"dlq\"><h2>Dead-letter queue</h2><p>Files: ");
        h.append("<span data-metric=\"dlq_files\">").append(count(m.sum("dlq_files"))).append("</span></p>");
        List<DeadLetterEntry> entries;
        try {
            entries = sources.deadLetters().entries();
        } catch (IOException e) {
            h.append("<p class=\"bad\">cannot list the queue: ").append(Html.escape(e.getMessage())).append("</p></section>");
            return;
        }
        h.append("<table id=\"dlq-entries\"><tr><th>entry</th><th>table</th><th>bytes</th><th>reason</th><th>actions (admin token)</th></tr>");
        if (entries.isEmpty()) {
            h.append("<tr><td colspan=\"5\" class=\"muted\">empty</td></tr>");
        }
        for (DeadLetterEntry e : entries) {
            String name = Html.escape(e.name());
            h.append("<tr><td>").append(name).append("</td><td>").append(Html.escape(e.table().tableName())).append("</td><td>")
                    .append(e.bytes()).append("</td><td><code>").append(Html.escape(e.reason().path("error").asText(e.reason().toString())))
                    .append("</code></td><td>");
            for (String action : new String[] {"show", "replay", "purge"}) {
                h.append("<button type=\"button\" data-dlq-action=\"").append(action).append("\" data-entry=\"").append(name).append("\">")
                        .append(action).append("</button> ");
            }
            h.append("</td></tr>");
        }
        h.append("</table><pre id=\"dlq-output\" aria-live=\"polite\"></pre></section>");
    }

    private static void tap(StringBuilder h) {
        h.append("<section id=\"tap\"><h2>Admin token and live tap</h2>")
                .append("<p><label>Admin token <input id=\"token\" type=\"password\" autocomplete=\"off\"></label> ")
                .append("<span class=\"muted\">kept in this page only; sent as an Authorization header</span></p>")
                .append("<p id=\"status\" role=\"alert\"></p>")
                .append("<p><label>Table <select id=\"tap-table\"><option>request_facts</option><option>service_events</option></select></label> ")
                .append("<label>Service <input id=\"tap-service\" placeholder=\"all services\"></label> ")
                .append("<button type=\"button\" id=\"tap-load\">Show recent events</button></p>")
                .append("<table id=\"tap-events\"><thead><tr><th>acknowledged</th><th>source</th><th>service</th><th>event_id</th><th>event</th></tr></thead><tbody></tbody></table>")
                .append("</section>");
    }

    private void chart(StringBuilder h, String title, String unit, ToDoubleFunction<RateHistory.Point> series) {
        h.append(SvgChart.render(title + " (last 15 min)", unit, history.points().stream().map(series::applyAsDouble).toList()));
    }

    /** A figure the console test compares with /metrics: data-metric names the series, data-table its table label. */
    private static void figure(StringBuilder h, String metric, Table table, double value) {
        h.append("<td data-metric=\"").append(metric).append("\"");
        if (table != null) {
            h.append(" data-table=\"").append(table.tableName()).append("\"");
        }
        h.append(">").append(count(value)).append("</td>");
    }

    private static String count(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.0f", v);
    }

    private static String millis(double seconds) {
        return Double.isNaN(seconds) ? "–" : String.format(Locale.ROOT, "%.1f ms", seconds * 1000);
    }

    private static String seconds(double seconds) {
        return Double.isNaN(seconds) ? "–" : String.format(Locale.ROOT, "%.1f s", seconds);
    }

    private static String bytes(double b) {
        if (Double.isNaN(b)) {
            return "–";
        }
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int u = 0;
        while (b >= 1024 && u < units.length - 1) {
            b /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, u == 0 ? "%.0f %s" : "%.1f %s", b, units[u]);
    }

    private static String resource(String name) {
        try (InputStream in = ConsoleServlet.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing console resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

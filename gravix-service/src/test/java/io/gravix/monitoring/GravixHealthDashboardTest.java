package io.gravix.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The structure of grafana/dashboards/gravix-health.json: what Grafana itself does not
 * check on load. (Its JSON is validated against Grafana's published dashboard schema by
 * tools/monitoring-tests, and every expression is evaluated against a real Prometheus by
 * .ci/monitoring-e2e.)
 */
class GravixHealthDashboardTest {
    private static final Path DASHBOARD = Path.of("..", "grafana", "dashboards", "gravix-health.json");
    private static final Pattern METRIC = Pattern.compile("\\b([a-z_]+_(?:total|seconds_bucket|seconds_sum|bytes|batches|files|seconds|info|current|daemon))\\b");

    private final JsonNode dashboard;
    private final List<JsonNode> panels = new ArrayList<>();

    GravixHealthDashboardTest() throws Exception {
        dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));
        for (JsonNode p : dashboard.path("panels")) {
            panels.add(p);
            p.path("panels").forEach(panels::add); // collapsed rows keep their panels inside
        }
    }

    @Test
    void isTheGravixHealthDashboardWithDatasourceAndInstanceVariables() {
        assertThat(dashboard.path("title").asText()).isEqualTo("Gravix Health");
        assertThat(dashboard.path("uid").asText()).isEqualTo("gravix-health");
        List<String> variables = new ArrayList<>();
        dashboard.path("templating").path("list").forEach(v -> variables.add(v.path("name").asText()));
        assertThat(variables).containsExactly("datasource", "instance");
    }

    @Test
    void panelIdsAreUnique() {
        Set<Integer> ids = new HashSet<>();
        for (JsonNode p : panels) {
            assertThat(ids.add(p.path("id").asInt())).as("panel id %s (%s) repeats", p.path("id"), p.path("title")).isTrue();
        }
    }

    @Test
    void everyPanelHasTheDatasourceVariableAndTargetsWithExpressions() {
        for (JsonNode p : graphs()) {
            String what = "panel " + p.path("title").asText();
            assertThat(p.path("datasource").path("uid").asText()).as(what).isEqualTo("${datasource}");
            assertThat(p.path("targets").size()).as(what).isPositive();
            p.path("targets").forEach(t -> {
                assertThat(t.path("expr").asText()).as(what).isNotBlank();
                assertThat(t.path("datasource").path("uid").asText()).as(what).isEqualTo("${datasource}");
            });
        }
    }

    @Test
    void expressionsUseTheRateIntervalTheInstanceVariableAndNoJobName() {
        for (JsonNode p : graphs()) {
            for (JsonNode t : p.path("targets")) {
                String expr = t.path("expr").asText();
                assertThat(expr).as(p.path("title").asText()).doesNotContain("job=").contains("instance=~\"$instance\"");
                Matcher range = Pattern.compile("\\[([^\\]]+)\\]").matcher(expr);
                while (range.find()) {
                    assertThat(range.group(1)).as("range in %s", expr).isEqualTo("$__rate_interval");
                }
            }
        }
    }

    @Test
    void gridPositionsDoNotOverlap() {
        List<JsonNode> placed = new ArrayList<>();
        for (JsonNode p : panels) {
            JsonNode g = p.path("gridPos");
            assertThat(g.path("x").asInt() + g.path("w").asInt()).as("%s fits the 24 columns", p.path("title")).isLessThanOrEqualTo(24);
            for (JsonNode q : placed) {
                assertThat(overlap(g, q.path("gridPos"))).as("%s overlaps %s", p.path("title"), q.path("title")).isFalse();
            }
            placed.add(p);
        }
    }

    @Test
    void hasTheRowsOfTheIssue() {
        List<String> rows = new ArrayList<>();
        panels.stream().filter(p -> p.path("type").asText().equals("row")).forEach(p -> rows.add(p.path("title").asText()));
        assertThat(rows).containsExactly("Ingest", "Spool", "Rollup", "Lake freshness", "Dead-letter queue", "JVM");
    }

    @Test
    void coversTheMetricsOperatorsNeed() {
        Set<String> used = new HashSet<>();
        for (JsonNode p : graphs()) {
            p.path("targets").forEach(t -> {
                Matcher m = METRIC.matcher(t.path("expr").asText());
                while (m.find()) {
                    used.add(m.group(1));
                }
            });
        }
        assertThat(used).contains("ingestion_request_count_total", "ingestion_events_total", "ingestion_error_count_total",
                "ingestion_request_duration_seconds_bucket", "batch_fsync_duration_seconds_bucket", "spool_sealed_batches",
                "spool_disk_free_bytes", "rollup_events_total", "rollup_duplicates_total", "rollup_parquet_write_duration_seconds_bucket",
                "rollup_runs_total", "rollup_lag_seconds", "rollup_late_events_total", "lake_freshness_seconds_bucket", "dlq_files",
                "jvm_memory_used_bytes", "jvm_gc_collection_seconds_sum", "jvm_threads_current");
    }

    private List<JsonNode> graphs() {
        return panels.stream().filter(p -> !p.path("type").asText().equals("row")).toList();
    }

    private static boolean overlap(JsonNode a, JsonNode b) {
        return a.path("x").asInt() < b.path("x").asInt() + b.path("w").asInt() && b.path("x").asInt() < a.path("x").asInt() + a.path("w").asInt()
                && a.path("y").asInt() < b.path("y").asInt() + b.path("h").asInt() && b.path("y").asInt() < a.path("y").asInt() + a.path("h").asInt();
    }
}

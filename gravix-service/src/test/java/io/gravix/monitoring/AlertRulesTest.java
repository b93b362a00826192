package io.gravix.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * prometheus/alerts.yml: every alert has the annotations operators need and its runbook_url
 * points at a RUNBOOK.md section that exists. (promtool checks and unit-tests the rules in .ci/run.)
 */
class AlertRulesTest {
    private static final Path ALERTS = Path.of("..", "prometheus", "alerts.yml");
    private static final Path RUNBOOK = Path.of("..", "RUNBOOK.md");

    @Test
    void everyAlertHasSummaryDescriptionSeverityAndARunbookSectionThatExists() throws Exception {
        JsonNode rules = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(ALERTS));
        Set<String> anchors = new HashSet<>();
        for (String line : Files.readAllLines(RUNBOOK)) {
            if (line.startsWith("#")) {
                anchors.add(line.replaceFirst("^#+\\s*", "").trim().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-'));
            }
        }
        Set<String> alerts = new HashSet<>();
        for (JsonNode group : rules.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                String name = rule.path("alert").asText();
                assertThat(alerts.add(name)).as("alert %s defined once", name).isTrue();
                assertThat(rule.path("labels").path("severity").asText()).as(name).isIn("critical", "warning");
                assertThat(rule.path("annotations").path("summary").asText()).as(name).isNotBlank();
                assertThat(rule.path("annotations").path("description").asText()).as(name).isNotBlank();
                String url = rule.path("annotations").path("runbook_url").asText();
                assertThat(url).as(name).isEqualTo("RUNBOOK.md#" + name.toLowerCase(Locale.ROOT));
                assertThat(anchors).as("RUNBOOK.md has a section for %s", name).contains(name.toLowerCase(Locale.ROOT));
            }
        }
        assertThat(alerts).contains("GravixDown", "GravixIngestServerErrors", "GravixIngestClientErrorsHigh", "GravixBackpressure",
                "GravixFsyncSlow", "GravixRollupLagHigh", "GravixRollupFailing", "GravixLakeFreshnessSlow",
                "GravixDeadLetterQueueNotEmpty", "GravixSpoolDiskLow");
    }
}

package io.gravix.dlq;

import static io.gravix.dlq.DlqFixture.facts;
import static io.gravix.dlq.DlqFixture.serviceEvents;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.gravix.spool.Table;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeadLetterQueueTest {
    @TempDir
    Path dataDir;

    private DlqFixture fx;

    @BeforeEach
    void start() throws Exception {
        fx = new DlqFixture(dataDir);
    }

    @AfterEach
    void stop() throws Exception {
        fx.close();
    }

    private DeadLetterEntry quarantined(Table table, byte[]... payloads) throws Exception {
        return fx.quarantine(table, fx.sealedFile(table, List.of(payloads)), "checksum mismatch at offset 40", 40);
    }

    @Test
    void entriesAreListedByNameWithTableSizeAndReason() throws Exception {
        DeadLetterEntry events = quarantined(Table.SERVICE_EVENTS, serviceEvents("s", 2));
        DeadLetterEntry facts = quarantined(Table.REQUEST_FACTS, facts("f", 1));

        List<DeadLetterEntry> entries = fx.queue.entries();

        assertThat(entries).extracting(DeadLetterEntry::name).containsExactly(facts.name(), events.name());
        assertThat(facts.name()).matches("request_facts-\\d{12}\\.sealed");
        DeadLetterEntry first = entries.get(0);
        assertThat(first.table()).isEqualTo(Table.REQUEST_FACTS);
        assertThat(first.bytes()).isEqualTo(Files.size(fx.queue.directory().resolve(first.name())));
        assertThat(first.reason().get("error").asText()).isEqualTo("checksum mismatch at offset 40");
        assertThat(first.reason().get("offset").asLong()).isEqualTo(40);
        assertThat(first.reason().get("time").asText()).isEqualTo(DlqFixture.NOW.toString());
        assertThat(first.reason().get("originalName").asText()).isEqualTo(first.name().substring("request_facts-".length()));
        assertThat(fx.queue.count()).isEqualTo(2);
    }

    @Test
    void reasonTemporaryAndForeignFilesAreNotEntries() throws Exception {
        quarantined(Table.REQUEST_FACTS, facts("f", 1));
        Files.writeString(fx.queue.directory().resolve(".request_facts-000000000009.sealed.reason.json.tmp"), "{}");
        Files.writeString(fx.queue.directory().resolve("notes.txt"), "an operator's notes");
        Files.writeString(fx.queue.directory().resolve("request_facts-000000000008.sealed.reason.json"), "{}");

        assertThat(fx.queue.entries()).hasSize(1);
        assertThat(fx.queue.count()).isEqualTo(1);
        assertThat(fx.queue.find("notes.txt")).isEmpty();
    }

    @Test
    void anEntryWhoseReasonIsMissingOrNotJsonIsListedWithoutOne() throws Exception {
        DeadLetterEntry missing = quarantined(Table.REQUEST_FACTS, facts("a", 1));
        DeadLetterEntry garbled = quarantined(Table.REQUEST_FACTS, facts("b", 1));
        Files.delete(fx.queue.directory().resolve(missing.name() + DeadLetterQueue.REASON_SUFFIX));
        Files.writeString(fx.queue.directory().resolve(garbled.name() + DeadLetterQueue.REASON_SUFFIX), "{\"error\": ");

        assertThat(fx.queue.entries()).extracting(DeadLetterEntry::reason).containsExactly(null, null);
        assertThat(fx.queue.find(missing.name())).get().extracting(DeadLetterEntry::bytes).isEqualTo(missing.bytes());
    }

    @Test
    void namesThatCouldReachOutsideTheQueueAreRefused() throws Exception {
        Files.writeString(dataDir.resolve("request_facts-secret"), "outside the queue");
        for (String name : List.of("", "../request_facts-secret", "request_facts-..", "a/b", "a\\b", ".hidden",
                "request_facts-000000000001.sealed.reason.json", "request_facts-1\n")) {
            assertThatThrownBy(() -> fx.queue.find(name)).as("name %s", name)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("dead-letter entry name ");
        }
        assertThat(EntryNames.problem(null)).isEqualTo("is empty");
        assertThat(EntryNames.problem("request_facts-000000000001.sealed")).isNull();
    }

    @Test
    void aNameOfNoEntryIsEmpty() throws Exception {
        assertThat(fx.queue.find("request_facts-000000000099.sealed")).isEmpty();
    }

    @Test
    void anEntryPurgedWhileTheQueueIsListedIsLeftOut() throws Exception {
        DeadLetterEntry entry = quarantined(Table.REQUEST_FACTS, facts("p", 1));
        fx.queue.purge(entry);
        assertThat(fx.queue.entryOf(entry.file())).isEmpty();
    }

    @Test
    void purgeDeletesTheEntryAndItsReason() throws Exception {
        DeadLetterEntry entry = quarantined(Table.REQUEST_FACTS, facts("p", 1));
        DeadLetterEntry other = quarantined(Table.REQUEST_FACTS, facts("q", 1));

        assertThat(fx.queue.purge(entry)).isTrue();

        assertThat(fx.queue.directory().resolve(entry.name())).doesNotExist();
        assertThat(fx.queue.directory().resolve(entry.name() + DeadLetterQueue.REASON_SUFFIX)).doesNotExist();
        assertThat(fx.queue.entries()).extracting(DeadLetterEntry::name).containsExactly(other.name());
        assertThat(fx.queue.purge(entry)).isFalse();
    }

    @Test
    void replaysAreAppendedToTheReason() throws Exception {
        DeadLetterEntry entry = quarantined(Table.REQUEST_FACTS, facts("r", 1));

        fx.queue.recordReplay(entry, JsonNodeFactory.instance.objectNode().put("batchId", 7));
        fx.queue.recordReplay(entry, JsonNodeFactory.instance.objectNode().put("batchId", 8));

        DeadLetterEntry after = fx.queue.find(entry.name()).orElseThrow();
        assertThat(after.reason().get("error").asText()).isEqualTo("checksum mismatch at offset 40");
        assertThat(after.reason().get("replays")).hasSize(2);
        assertThat(after.reason().get("replays").get(1).get("batchId").asLong()).isEqualTo(8);
        assertThat(after.reason().get("replays").get(1).get("time").asText()).isEqualTo(DlqFixture.NOW.toString());
    }

    @Test
    void aReplayRecordedAfterAPurgeDoesNotBringTheEntryBack() throws Exception {
        DeadLetterEntry entry = quarantined(Table.REQUEST_FACTS, facts("r", 1));
        fx.queue.purge(entry);

        fx.queue.recordReplay(entry, JsonNodeFactory.instance.objectNode().put("batchId", 7));

        try (var files = Files.list(fx.queue.directory())) {
            assertThat(files.toList()).isEmpty();
        }
    }

    @Test
    void theDlqFilesGaugeCountsEntriesAtEachScrape() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        DeadLetterMetrics.register(registry, fx.queue);
        assertThat(dlqFiles(registry)).isEqualTo(0);

        DeadLetterEntry entry = quarantined(Table.REQUEST_FACTS, facts("g", 1));
        quarantined(Table.SERVICE_EVENTS, serviceEvents("g", 1));
        assertThat(dlqFiles(registry)).isEqualTo(2);

        fx.queue.purge(entry);
        assertThat(dlqFiles(registry)).isEqualTo(1);
    }

    @Test
    void aQueueThatCannotBeCountedGivesNoSampleButTheScrapeSucceeds() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        DeadLetterMetrics.register(registry, fx.queue);
        Files.delete(fx.queue.directory());

        MetricSnapshot gauge = registry.scrape().stream().filter(s -> s.getMetadata().getName().equals("dlq_files")).findFirst().orElseThrow();
        assertThat(gauge.getDataPoints()).isEmpty();
    }

    private static double dlqFiles(PrometheusRegistry registry) {
        for (MetricSnapshot s : registry.scrape()) {
            if (s.getMetadata().getName().equals("dlq_files")) {
                return ((GaugeSnapshot) s).getDataPoints().get(0).getValue();
            }
        }
        throw new AssertionError("no dlq_files metric");
    }
}

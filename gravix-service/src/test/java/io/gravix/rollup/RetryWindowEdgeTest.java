package io.gravix.rollup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gravix.GravixConfiguration;
import io.gravix.ingest.BodyFormat;
import io.gravix.ingest.EventPreparer;
import io.gravix.ingest.IngestConfig;
import io.gravix.spool.Table;
import io.gravix.store.LocalObjectStore;
import io.gravix.testing.LakeDuckDb;
import io.gravix.testing.SettableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The retry window against the dedupe window at their exact edges, with the real ingest
 * check ({@link EventPreparer}) and the real rollup on one injected clock. The worst
 * retry: the first copy carries a timestamp {@code maxClockSkew} in the future and is
 * committed at once; its retry comes at the last millisecond ingest still accepts it,
 * just after another run committed (and pruned the seen-id index).
 */
class RetryWindowEdgeTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00.250Z");

    @TempDir
    Path dir;

    @Test
    void aRetryAcceptedAtTheLastMomentIsStillDroppedWithTheDefaults() throws Exception {
        GravixConfiguration config = new GravixConfiguration();
        Map<String, Integer> copies = firstCopyAndLastMomentRetry(config.getIngest(), RollupHarness.quietConfig(1000));
        assertThat(copies).containsEntry("edge-1", 1);
    }

    /**
     * The settings the configuration check now refuses (window = maxEventAge = 7 d): the
     * retry gets in after its first copy was pruned and is stored twice. This is the hole
     * the check closes; the test pins that the check is needed, not a wish.
     */
    @Test
    void withADedupeWindowThatDoesNotCoverTheClockSkewTheRetryWouldBeStoredTwice() throws Exception {
        GravixConfiguration config = new GravixConfiguration();
        config.getRollup().setDedupeWindow(io.dropwizard.util.Duration.days(7));
        assertThat(config.isRetryWindowCoveredByDedupeWindow()).isFalse();
        RollupConfig rollup = RollupHarness.quietConfig(1000);
        rollup.setDedupeWindow(io.dropwizard.util.Duration.days(7));
        assertThat(firstCopyAndLastMomentRetry(config.getIngest(), rollup)).containsEntry("edge-1", 2);
    }

    private Map<String, Integer> firstCopyAndLastMomentRetry(IngestConfig ingest, RollupConfig rollup) throws Exception {
        SettableClock clock = new SettableClock(T0);
        Instant eventTime = T0.plus(ingest.getMaxClockSkew().toJavaDuration()); // as far ahead as ingest allows
        byte[] body = json("edge-1", eventTime);
        EventPreparer<?> preparer = EventPreparer.forRequestFacts(ingest, clock);
        try (RollupHarness h = new RollupHarness(dir, rollup, CrashPoints.NONE, new LocalObjectStore(dir.resolve("lake")), clock)) {
            EventPreparer.PreparedFrame first = preparer.prepare(BodyFormat.JSON, body, "edge");
            h.spool.append(Table.REQUEST_FACTS, first.frame(), first.events()).get();
            h.seal();
            assertThat(h.rollupNow()).singleElement().satisfies(r -> assertThat(r.events()).isEqualTo(1));

            Instant lastAccepted = eventTime.plus(ingest.getMaxEventAge().toJavaDuration());
            clock.set(lastAccepted.plusMillis(1));
            assertThatThrownBy(() -> preparer.prepare(BodyFormat.JSON, body, "edge")).hasMessageContaining("ingest.maxEventAge");
            clock.set(lastAccepted);
            EventPreparer.PreparedFrame retry = preparer.prepare(BodyFormat.JSON, body, "edge");

            // Another run commits at that very moment and prunes what the window has passed.
            EventPreparer.PreparedFrame other = preparer.prepare(BodyFormat.JSON, json("other-1", lastAccepted), "edge");
            h.spool.append(Table.REQUEST_FACTS, other.frame(), other.events()).get();
            h.seal();
            h.rollupNow();

            h.spool.append(Table.REQUEST_FACTS, retry.frame(), retry.events()).get();
            h.seal();
            h.rollupNow();
        }
        Map<String, Integer> copies = new java.util.HashMap<>();
        for (Map<String, Object> row : LakeDuckDb.requestFacts(dir.resolve("lake"))) {
            copies.merge((String) row.get("event_id"), 1, Integer::sum);
        }
        assertThat(copies).containsEntry("other-1", 1);
        return copies;
    }

    private static byte[] json(String id, Instant timestamp) {
        return ("{\"event_id\":\"" + id + "\",\"timestamp\":\"" + timestamp + "\",\"service\":\"checkout\",\"route\":\"/v1/x\","
                + "\"method\":\"GET\",\"status_code\":200,\"duration_ms\":1}").getBytes(StandardCharsets.UTF_8);
    }

}

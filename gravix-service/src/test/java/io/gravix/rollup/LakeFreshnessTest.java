package io.gravix.rollup;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.gravix.api.spool.v1.RequestFactRecord;
import io.gravix.api.v1.RequestFact;
import io.gravix.spool.Table;
import io.gravix.store.LocalObjectStore;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lake_freshness_seconds} and {@code rollup_late_events_total} against known
 * acknowledgement times (the frames' {@code ingested_at}) and commit times (the rollup's
 * clock, set by the test).
 */
class LakeFreshnessTest {
    private static final Instant ACKED = Instant.parse("2026-03-01T10:20:00Z");
    private static final Instant HOUR_10 = Instant.parse("2026-03-01T10:00:00Z");
    private static final Labels FACTS = Labels.of("table", "request_facts");

    @TempDir
    Path dataDir;

    private final SettableClock clock = new SettableClock(ACKED);

    @Test
    void freshnessCountsEveryKeptEventFromItsAcknowledgementToTheCommit() throws Exception {
        try (RollupHarness h = harness()) {
            h.append(Table.REQUEST_FACTS, record(ACKED, "a-1", "a-2", "a-3"), 3);
            // Acknowledged 4 s later; a-1 is a retry and is dropped, so it must not be counted again.
            h.append(Table.REQUEST_FACTS, record(ACKED.plusSeconds(4), "a-1", "b-1"), 2);
            h.seal();
            clock.set(ACKED.plusSeconds(10));
            assertThat(h.rollupNow()).singleElement().satisfies(r -> assertThat(r.events()).isEqualTo(4));

            HistogramSnapshot.HistogramDataPointSnapshot f = freshness(h);
            assertThat(f.getCount()).as("events counted").isEqualTo(4);
            assertThat(f.getSum()).as("3 events waited 10 s, one 6 s").isEqualTo(36.0);
            assertThat(cumulative(f, 5)).isZero();
            assertThat(cumulative(f, 10)).isEqualTo(4);

            assertThat(h.rollup.recentRuns()).singleElement().satisfies(run -> {
                assertThat(run.events()).isEqualTo(4);
                assertThat(run.duplicates()).isEqualTo(1);
                assertThat(run.freshnessP50Seconds()).isEqualTo(10.0);
                assertThat(run.freshnessMaxSeconds()).isEqualTo(10.0);
            });
        }
    }

    @Test
    void eventsIntoAnHourThatAlreadyHasFilesOfAnEarlierRunAreLate() throws Exception {
        try (RollupHarness h = harness()) {
            h.append(Table.REQUEST_FACTS, record(ACKED, "first-1", "first-2"), 2);
            h.seal();
            clock.set(ACKED.plusSeconds(5));
            h.rollupNow();
            assertThat(late(h)).as("the first run of an hour").isZero();

            RequestFactRecord second = record(ACKED.plusSeconds(6), "late-1", "late-2", "late-3").toBuilder()
                    .addFacts(fact("next-hour-1", HOUR_10.plusSeconds(3600 + 60))).build();
            h.append(Table.REQUEST_FACTS, second, 4);
            h.seal();
            clock.set(ACKED.plusSeconds(12));
            h.rollupNow();
            assertThat(late(h)).as("three more events into hour 10, one into the new hour 11").isEqualTo(3);
            assertThat(freshness(h).getCount()).isEqualTo(6);
            assertThat(freshness(h).getSum()).isEqualTo(2 * 5.0 + 4 * 6.0);
        }
    }

    private RollupHarness harness() throws Exception {
        return new RollupHarness(dataDir, RollupHarness.quietConfig(1000), CrashPoints.NONE,
                new LocalObjectStore(dataDir.resolve("lake")), clock);
    }

    private static RequestFactRecord record(Instant ingestedAt, String... ids) {
        RequestFactRecord.Builder r = RequestFactRecord.newBuilder().setSource("tests")
                .setIngestedAtMicros(ingestedAt.getEpochSecond() * 1_000_000);
        for (String id : ids) {
            r.addFacts(fact(id, HOUR_10.plusSeconds(60)));
        }
        return r.build();
    }

    private static RequestFact fact(String id, Instant at) {
        return RequestFact.newBuilder().setEventId(id).setTimestamp(Timestamp.newBuilder().setSeconds(at.getEpochSecond()))
                .setService("checkout").setRoute("/v1/orders").setMethod("GET").setStatusCode(200).setDurationMs(1).build();
    }

    private static HistogramSnapshot.HistogramDataPointSnapshot freshness(RollupHarness h) {
        HistogramSnapshot s = (HistogramSnapshot) h.registry.scrape(name -> name.equals("lake_freshness_seconds")).get(0);
        return s.getDataPoints().stream().filter(p -> p.getLabels().equals(FACTS)).findFirst().orElseThrow();
    }

    private static long cumulative(HistogramSnapshot.HistogramDataPointSnapshot p, double le) {
        long n = 0;
        for (var bucket : p.getClassicBuckets()) {
            n += bucket.getUpperBound() <= le ? bucket.getCount() : 0;
        }
        return n;
    }

    private static double late(RollupHarness h) {
        CounterSnapshot s = (CounterSnapshot) h.registry.scrape(name -> name.equals("rollup_late_events_total")).get(0);
        return s.getDataPoints().stream().filter(p -> p.getLabels().equals(FACTS)).findFirst().orElseThrow().getValue();
    }

    /** A clock the test moves. */
    private static final class SettableClock extends Clock {
        private volatile Instant now;

        SettableClock(Instant now) {
            this.now = now;
        }

        void set(Instant t) {
            now = t;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}

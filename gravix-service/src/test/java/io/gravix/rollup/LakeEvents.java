package io.gravix.rollup;

import io.gravix.api.v1.RequestFact;
import io.gravix.loadgen.EventFactory;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Realistic request facts for size measurements: {@link EventFactory} traffic at a steady mean rate. */
final class LakeEvents {
    private LakeEvents() {}

    /** {@code n} rows, {@code stepMillis} apart on average from 2026-03-01T10:00Z, in arrival order, in batches of 1,000 events. */
    static List<EventRow<RequestFact>> requestFacts(int n, double stepMillis) {
        SteppingClock clock = new SteppingClock(Instant.parse("2026-03-01T10:00:00Z").toEpochMilli(), stepMillis);
        EventFactory factory = new EventFactory("r7f3k2", clock, 42);
        List<EventRow<RequestFact>> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            RequestFact fact = factory.requestFact(i);
            long ingestedAtMicros = ParquetSchemas.epochMicros(fact.getTimestamp()) + 1500 + (i % 7) * 100;
            rows.add(new EventRow<>(fact, i % 3 == 0 ? "mobile-app" : "web-backend",
                    ingestedAtMicros, 1000 + i / 1000));
        }
        return rows;
    }

    /**
     * A clock that moves forward every time it is read, by exponentially distributed
     * steps of mean {@code stepMillis} (Poisson arrivals, as independent clients make),
     * deterministically.
     */
    static final class SteppingClock extends Clock {
        private final double stepMillis;
        private final SplittableRandom random = new SplittableRandom(11);
        private double now;

        SteppingClock(long startMillis, double stepMillis) {
            this.now = startMillis;
            this.stepMillis = stepMillis;
        }

        @Override
        public long millis() {
            now += -Math.log(1 - random.nextDouble()) * stepMillis;
            return (long) now;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }
}

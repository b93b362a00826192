package io.gravix.bench;

import io.gravix.api.v1.RequestFact;
import io.gravix.loadgen.EventFactory;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** The same realistic events the load generator sends. */
final class BenchEvents {
    private BenchEvents() {}

    static List<RequestFact> requestFacts(int count) {
        EventFactory factory = new EventFactory("bench", Clock.systemUTC(), 42);
        List<RequestFact> facts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            facts.add(factory.requestFact(i));
        }
        return facts;
    }
}

package io.gravix.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SendPlanTest {

    @Test
    void withoutDuplicatesEveryRequestIsSentOnceInOrder() {
        assertThat(SendPlan.of(5, 0, 1)).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void retriesAddTheRatioOfRequestsAndComeAfterTheirOriginal() {
        int requests = 1000;
        int[] plan = SendPlan.of(requests, 0.05, 7);

        assertThat(plan).hasSize(requests + 50);
        Map<Integer, Integer> firstSeenAt = new HashMap<>();
        Map<Integer, Integer> sends = new HashMap<>();
        for (int position = 0; position < plan.length; position++) {
            firstSeenAt.putIfAbsent(plan[position], position);
            sends.merge(plan[position], 1, Integer::sum);
        }
        assertThat(sends.keySet()).containsExactlyInAnyOrderElementsOf(IntStream.range(0, requests).boxed().toList());
        assertThat(sends.values().stream().mapToInt(Integer::intValue).sum() - requests).isEqualTo(50);
        // the originals keep their order: a request's first send is the original
        int previous = -1;
        for (int request = 0; request < requests; request++) {
            assertThat(firstSeenAt.get(request)).isGreaterThan(previous);
            previous = firstSeenAt.get(request);
        }
    }

    @Test
    void theSameSeedGivesTheSamePlan() {
        assertThat(SendPlan.of(200, 0.3, 42)).containsExactly(SendPlan.of(200, 0.3, 42));
    }

    @Test
    void refusesNegativeInput() {
        assertThatThrownBy(() -> SendPlan.of(-1, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SendPlan.of(1, -0.1, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}

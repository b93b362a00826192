package io.gravix.rollup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EventIdListTest {
    @Test
    void roundTripsSortedIdsOfAnyLengthAndScript() {
        String[] ids = {"", "a", "b".repeat(200), "r7f3k2-000001", "r7f3k2-000002", "zoë-✅", "\uD83D\uDE00-emoji"};
        Arrays.sort(ids);
        assertThat(EventIdList.decode(EventIdList.encode(ids))).containsExactly(ids);
    }

    @Test
    void roundTripsNoIds() {
        assertThat(EventIdList.decode(EventIdList.encode(new String[0]))).isEmpty();
    }

    @Test
    void sequentialIdsCostAFewBytesEach() {
        String[] ids = new String[100_000];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = String.format("r7f3k2-%09d", i);
        }
        byte[] blob = EventIdList.encode(ids);
        assertThat(blob.length).isLessThan(ids.length * 4);
        assertThat(EventIdList.decode(blob)).containsExactly(ids);
    }
}

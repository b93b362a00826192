package io.gravix.rollup;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.gravix.api.spool.v1.RequestFactRecord;
import io.gravix.api.v1.RequestFact;
import io.gravix.spool.Table;
import io.gravix.store.LocalObjectStore;
import io.gravix.testing.LakeDuckDb;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances (their own data directories and indexes) rolling up into one lake: the
 * normal multi-replica setup. Their run ids are equal (each index counts from 1), so
 * only the instance id in every key keeps one from replacing the other's files.
 */
class SharedLakeTest {
    private static final Instant HOUR = Instant.parse("2026-03-01T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void twoInstancesOnOneLakeNeverReplaceEachOthersFiles() throws Exception {
        Path lake = dir.resolve("lake");
        try (RollupHarness a = new RollupHarness(dir.resolve("a"), RollupHarness.quietConfig(1000), CrashPoints.NONE,
                new LocalObjectStore(lake));
             RollupHarness b = new RollupHarness(dir.resolve("b"), RollupHarness.quietConfig(1000), CrashPoints.NONE,
                new LocalObjectStore(lake))) {
            for (int round = 0; round < 2; round++) {
                for (RollupHarness h : List.of(a, b)) {
                    String prefix = (h == a ? "a" : "b") + round;
                    h.append(Table.REQUEST_FACTS, facts(prefix, 50), 50);
                    h.seal();
                    assertThat(h.rollupNow()).singleElement().satisfies(r -> assertThat(r.events()).isEqualTo(50));
                }
            }
            assertThat(a.index.instanceId()).isNotEqualTo(b.index.instanceId());
        }
        Map<String, Integer> copies = new HashMap<>();
        for (Map<String, Object> row : LakeDuckDb.requestFacts(lake)) {
            copies.merge((String) row.get("event_id"), 1, Integer::sum);
        }
        assertThat(copies).hasSize(4 * 50).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));
    }

    private static RequestFactRecord facts(String prefix, int n) {
        RequestFactRecord.Builder r = RequestFactRecord.newBuilder().setSource("s").setIngestedAtMicros(1_772_362_000_000_000L);
        for (int i = 0; i < n; i++) {
            r.addFacts(RequestFact.newBuilder().setEventId(prefix + "-" + i)
                    .setTimestamp(Timestamp.newBuilder().setSeconds(HOUR.getEpochSecond() + i))
                    .setService("checkout").setRoute("/v1/x").setMethod("GET").setStatusCode(200).setDurationMs(1));
        }
        return r.build();
    }
}

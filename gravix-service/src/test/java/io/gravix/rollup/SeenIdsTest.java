package io.gravix.rollup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SeenIdsTest {
    private static final Duration WINDOW = Duration.ofDays(7);
    private static final long DAY = 86_400_000L;

    /** The durable side: run id → its sorted ids, as the ledger would return them (removed = pruned). */
    private final Map<Long, SeenIds.StoredRun> stored = new HashMap<>();
    private final AtomicInteger storeReads = new AtomicInteger();

    private Optional<SeenIds.StoredRun> load(long runId) {
        storeReads.incrementAndGet();
        return Optional.ofNullable(stored.get(runId));
    }

    private void commit(SeenIds seen, long runId, long at, String... sortedIds) {
        stored.put(runId, new SeenIds.StoredRun(at, sortedIds));
        seen.add(runId, at, sortedIds);
    }

    @Test
    void knowsExactlyTheIdsOfCommittedRuns() {
        SeenIds seen = new SeenIds(WINDOW, this::load);
        commit(seen, 1, 0, "a-1", "a-2");
        commit(seen, 2, DAY, "b-1");
        assertThat(seen.contains("a-1")).isTrue();
        assertThat(seen.contains("a-2")).isTrue();
        assertThat(seen.contains("b-1")).isTrue();
        assertThat(seen.contains("a-3")).isFalse();
        assertThat(seen.contains("")).isFalse();
        assertThat(seen.size()).isEqualTo(3);
    }

    /**
     * Forty runs (100,000 ids each; a full 64 MiB run of request facts holds ~350,000) with
     * a lookup into every run: the exact-id cache stays within its byte budget (before, it
     * held the String ids of 32 runs: about 900 MB here), and every answer is still right.
     */
    @Test
    void fortyFullRunsKeepTheExactIdCacheWithinItsBudget() {
        long budget = 8L * 1024 * 1024;
        SeenIds seen = new SeenIds(WINDOW, budget, this::load);
        int perRun = 100_000;
        for (int run = 1; run <= 40; run++) {
            String[] ids = new String[perRun];
            for (int i = 0; i < perRun; i++) {
                ids[i] = id(run, i); // 26 chars like a ULID, sorted
            }
            commit(seen, run, run, ids);
            assertThat(seen.cacheBytes()).isLessThanOrEqualTo(budget);
        }
        for (int run = 1; run <= 40; run++) {
            assertThat(seen.contains(id(run, 1234))).isTrue();
            assertThat(seen.contains(id(run, perRun))).isFalse();
            assertThat(seen.cacheBytes()).isLessThanOrEqualTo(budget);
        }
        assertThat(seen.size()).isEqualTo(40L * perRun);
        // fingerprints: 12 bytes a slot, at most 2/3 used, doubled as they grow
        assertThat(seen.memoryBytes() - seen.cacheBytes()).isLessThanOrEqualTo(40L * perRun * 36);
    }

    private static String id(int run, int i) {
        return "01JC" + (10_000 + run) + (100_000_000_000_000_000L + i);
    }

    @Test
    void packedIdsFindExactlyTheirIds() {
        PackedIds ids = PackedIds.of(new String[] {"a", "a-1", "a-10", "b", "b:2"});
        assertThat(ids.size()).isEqualTo(5);
        for (String id : new String[] {"a", "a-1", "a-10", "b", "b:2"}) {
            assertThat(ids.contains(id)).as(id).isTrue();
        }
        for (String id : new String[] {"", "a-", "a-100", "a-2", "c", "b:"}) {
            assertThat(ids.contains(id)).as(id).isFalse();
        }
        assertThat(PackedIds.of(new String[0]).contains("a")).isFalse();
    }

    @Test
    void aFingerprintCollisionNeverDropsADifferentId() {
        // Every id has the same fingerprint: only the exact comparison can tell them apart.
        SeenIds seen = new SeenIds(WINDOW, id -> 42L, this::load);
        commit(seen, 1, 0, "x", "y");
        commit(seen, 2, 10, "z");
        commit(seen, 3, 5 * DAY, "w");
        assertThat(seen.contains("x")).isTrue();
        assertThat(seen.contains("y")).isTrue();
        assertThat(seen.contains("z")).isTrue(); // second run in the same epoch: kept as a collision
        assertThat(seen.contains("w")).isTrue(); // other epoch
        assertThat(seen.contains("v")).isFalse();
    }

    @Test
    void fingerprintZeroIsAnOrdinaryFingerprint() {
        SeenIds seen = new SeenIds(WINDOW, id -> id.equals("zero") ? 0L : 1L, this::load);
        commit(seen, 1, 0, "one", "zero");
        assertThat(seen.contains("zero")).isTrue();
        assertThat(seen.contains("one")).isTrue();
        assertThat(seen.contains("two")).isFalse();
    }

    @Test
    void aPrunedRunIsNotSeenEvenWhileItsFingerprintsAreStillInMemory() {
        SeenIds seen = new SeenIds(WINDOW, this::load);
        commit(seen, 1, 0, "old");
        commit(seen, 2, WINDOW.toMillis() / 16, "newer");
        stored.remove(1L); // the commit transaction pruned run 1 from SQLite
        seen.prune(1); // the cutoff falls inside the first epoch: its fingerprints stay
        assertThat(seen.size()).isEqualTo(2);
        // answered as SQLite (and so a restarted process) answers, not from the cache
        assertThat(seen.contains("old")).isFalse();
        assertThat(seen.contains("newer")).isTrue();
    }

    @Test
    void pruneDropsWholeEpochsOnceAllTheirRunsArePastTheCutoff() {
        SeenIds seen = new SeenIds(WINDOW, this::load);
        long epoch = WINDOW.toMillis() / 8;
        commit(seen, 1, 0, "e0");
        commit(seen, 2, epoch, "e1");
        seen.prune(epoch);
        assertThat(seen.size()).isEqualTo(1);
        assertThat(seen.contains("e1")).isTrue();
        stored.remove(1L);
        assertThat(seen.contains("e0")).isFalse();
    }

    @Test
    void recentRunsAreAnsweredFromTheCacheWithoutReadingTheStore() {
        SeenIds seen = new SeenIds(WINDOW, this::load);
        commit(seen, 1, 0, "a", "b");
        assertThat(seen.contains("a")).isTrue();
        assertThat(storeReads).hasValue(0);
        SeenIds restarted = new SeenIds(WINDOW, this::load);
        restarted.add(1, 0, stored.get(1L).sortedIds());
        assertThat(restarted.contains("b")).isTrue();
    }

    @Test
    void holdsAMillionIds() {
        SeenIds seen = new SeenIds(WINDOW, this::load);
        String[] ids = new String[1_000_000];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = String.format("id-%07d", i);
        }
        commit(seen, 1, 0, ids);
        assertThat(seen.size()).isEqualTo(1_000_000);
        for (int i = 0; i < ids.length; i += 997) {
            assertThat(seen.contains(ids[i])).isTrue();
            assertThat(seen.contains("other-" + i)).isFalse();
        }
    }
}

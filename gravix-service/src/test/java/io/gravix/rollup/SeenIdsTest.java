package io.gravix.rollup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    void idsAddedWithTheirFingerprintsInAnyOrderAreFound() {
        String[] ids = new String[5_000];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = id(1, i);
        }
        long[] fingerprints = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            fingerprints[ids.length - 1 - i] = FingerprintMap.fingerprint(ids[i]); // reversed
        }
        stored.put(1L, new SeenIds.StoredRun(0, ids));
        SeenIds seen = new SeenIds(WINDOW, this::load);

        seen.add(1, 0, PackedIds.of(ids), fingerprints);

        assertThat(seen.size()).isEqualTo(ids.length);
        for (String id : ids) {
            assertThat(seen.contains(id)).as(id).isTrue();
        }
        assertThat(seen.contains(id(1, ids.length))).isFalse();
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

    @TempDir
    Path spillDir;

    private SeenIds spilling(long memoryBudget) {
        return new SeenIds(WINDOW, 8L * 1024 * 1024, new SeenIds.Spill(spillDir, memoryBudget), this::load);
    }

    private long segmentFiles() throws IOException {
        try (Stream<Path> files = Files.list(spillDir)) {
            return files.filter(f -> f.toString().endsWith(".seg")).count();
        }
    }

    /**
     * Sixty runs of 20,000 ids over four epochs with 1 MiB of heap for fingerprints: the
     * maps are written out to segments on disk and merged four of a size, the heap stays at
     * the budget (all in maps would be 1.2 million ids × 18–36 bytes, 22–43 MB), and every
     * answer is the same as before.
     */
    @Test
    void fingerprintsBeyondTheHeapBudgetGoToDiskAndAreStillFound() throws IOException {
        long budget = 1L << 20;
        SeenIds seen = spilling(budget);
        int perRun = 20_000;
        int runs = 60;
        for (int run = 1; run <= runs; run++) {
            String[] ids = new String[perRun];
            for (int i = 0; i < perRun; i++) {
                ids[i] = id(run, i);
            }
            commit(seen, run, run * (WINDOW.toMillis() / 120), ids);
            long directories = seen.size() / 8 + 4 * 16 * 1024;
            assertThat(seen.memoryBytes() - seen.cacheBytes()).isLessThanOrEqualTo(budget + directories);
        }
        assertThat(seen.size()).isEqualTo((long) runs * perRun);
        assertThat(seen.diskBytes()).isGreaterThan(16L * runs * perRun / 2);
        assertThat(seen.segments()).isGreaterThan(0).isLessThan(runs / 3).isEqualTo((int) segmentFiles());
        for (int run = 1; run <= runs; run++) {
            for (int i = 0; i < perRun; i += 499) {
                assertThat(seen.contains(id(run, i))).as("run %d id %d", run, i).isTrue();
            }
            assertThat(seen.contains(id(run, perRun))).isFalse();
            assertThat(seen.contains(id(runs + run, 7))).isFalse();
        }
    }

    @Test
    void collidingFingerprintsInSegmentsAndInMemoryAreAllConfirmedExactly() {
        // A 1-byte budget writes the maps out after every run: all runs' entries for fingerprint 42 are in segments.
        SeenIds seen = new SeenIds(WINDOW, new SeenIds.Spill(spillDir, 1), id -> 42L, this::load);
        commit(seen, 1, 0, "x", "y");
        commit(seen, 2, 10, "z");
        commit(seen, 3, 5 * DAY, "w");
        for (int run = 4; run <= 9; run++) {
            commit(seen, run, 20 + run, "r" + run); // merged four of a size
        }
        assertThat(seen.segments()).isLessThan(8);
        for (String id : new String[] {"x", "y", "z", "w", "r4", "r9"}) {
            assertThat(seen.contains(id)).as(id).isTrue();
        }
        assertThat(seen.contains("v")).isFalse();
        assertThat(seen.contains("r10")).isFalse();
    }

    @Test
    void fingerprintZeroIsAnOrdinaryFingerprintInASegmentToo() {
        SeenIds seen = new SeenIds(WINDOW, new SeenIds.Spill(spillDir, 1), id -> id.equals("zero") ? 0L : 1L, this::load);
        commit(seen, 1, 0, "one");
        commit(seen, 2, 1, "zero");
        assertThat(seen.segments()).isEqualTo(2);
        assertThat(seen.contains("zero")).isTrue();
        assertThat(seen.contains("one")).isTrue();
        assertThat(seen.contains("two")).isFalse();
    }

    @Test
    void pruningAnEpochDeletesItsSegments() throws IOException {
        SeenIds seen = spilling(1);
        long epoch = WINDOW.toMillis() / 8;
        commit(seen, 1, 0, "e0");
        commit(seen, 2, 1, "e0b");
        commit(seen, 3, epoch, "e1");
        assertThat(segmentFiles()).isEqualTo(3);
        stored.remove(1L);
        stored.remove(2L);
        seen.prune(epoch);
        assertThat(segmentFiles()).isEqualTo(1);
        assertThat(seen.contains("e1")).isTrue();
        assertThat(seen.contains("e0")).isFalse();
        seen.close();
        assertThat(segmentFiles()).isZero();
    }

    @Test
    void aNewIndexDeletesSegmentsAnEarlierProcessLeft() throws IOException {
        Files.createDirectories(spillDir);
        Files.writeString(spillDir.resolve("epoch-3-17.seg"), "left by a crash");
        Files.writeString(spillDir.resolve("notes.txt"), "not ours");
        SeenIds seen = spilling(1);
        assertThat(segmentFiles()).isZero();
        assertThat(spillDir.resolve("notes.txt")).exists();
        commit(seen, 1, 0, "a");
        assertThat(seen.contains("a")).isTrue();
    }

    @Test
    void aSegmentThatCannotBeWrittenFailsTheAddLoudly() throws IOException {
        SeenIds seen = spilling(1);
        Files.delete(spillDir);
        Files.writeString(spillDir, "a file where the directory was");
        assertThatThrownBy(() -> commit(seen, 1, 0, "a"))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("cannot write seen-id fingerprints to " + spillDir);
    }
}

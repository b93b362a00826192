package io.gravix.rollup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Timestamp;
import io.dropwizard.util.DataSize;
import io.gravix.api.spool.v1.RequestFactRecord;
import io.gravix.api.v1.RequestFact;
import io.gravix.index.BatchRecord;
import io.gravix.index.BatchState;
import io.gravix.spool.Table;
import io.gravix.store.LocalObjectStore;
import io.gravix.testing.LakeDuckDb;
import io.gravix.testing.SettableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rollup against what goes wrong around it: an old index, a copied data directory, a shrinking run, an outage, a full disk, a full heap. */
class RollupHardeningTest {
    private static final Instant HOUR = Instant.parse("2026-03-01T10:00:00Z");

    @TempDir
    Path dir;

    private Path lake() {
        return dir.resolve("lake");
    }

    @Test
    void anIndexOlderThanTheLakeRefusesToStartUnlessTheOperatorAcceptsItAndThenNeverReusesARunId() throws Exception {
        Path data = dir.resolve("a");
        try (RollupHarness h = harness(data, RollupHarness.quietConfig(1000))) {
            rollUp(h, "first", 0);
        }
        Path backup = dir.resolve("backup");
        copyIndex(data, backup);
        try (RollupHarness h = harness(data, RollupHarness.quietConfig(1000))) {
            rollUp(h, "second", 1);
            rollUp(h, "third", 2);
        }
        Map<String, byte[]> committed = lakeFiles();
        copyIndex(backup, data); // the operator restores last week's backup of index.db

        assertThatThrownBy(() -> harness(data, RollupHarness.quietConfig(1000)))
                .hasMessageContaining("the lake holds run 3 of instance")
                .hasMessageContaining("has planned only up to run 1")
                .hasMessageContaining("rollup.acceptLakeAheadOfIndex");

        RollupConfig accepting = RollupHarness.quietConfig(1000);
        accepting.setAcceptLakeAheadOfIndex(true);
        try (RollupHarness h = harness(data, accepting)) {
            assertThat(rollUp(h, "fourth", 0).runId()).isEqualTo(4);
        }
        Map<String, byte[]> after = lakeFiles();
        committed.forEach((key, bytes) -> assertThat(after.get(key)).as(key).isEqualTo(bytes));
        assertThat(eventCopies()).hasSize(4 * 20).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));
    }

    @Test
    void aCopyOfADataDirectoryRunningBesideItsOriginalCannotReplaceItsFiles() throws Exception {
        Path original = dir.resolve("a");
        try (RollupHarness h = harness(original, RollupHarness.quietConfig(1000))) {
            h.append(Table.REQUEST_FACTS, facts("shared", 20, 0), 20);
            h.seal();
        }
        Path copy = dir.resolve("copy");
        copyTree(original, copy);
        try (RollupHarness a = harness(original, RollupHarness.quietConfig(1000));
             RollupHarness b = harness(copy, RollupHarness.quietConfig(1000))) {
            assertThat(a.rollupNow()).singleElement().satisfies(r -> assertThat(r.runId()).isEqualTo(1));
            Map<String, byte[]> committed = lakeFiles();
            b.append(Table.REQUEST_FACTS, facts("other", 20, 0), 20);
            b.seal();

            assertThatThrownBy(b::rollupNow)
                    .isInstanceOfSatisfying(RollupService.RollupFailure.class,
                            f -> assertThat(f.kind()).isEqualTo(RollupStatus.FailureKind.INSTANCE_CONFLICT))
                    .hasMessageContaining("claimed run 1 too");
            Map<String, byte[]> now = lakeFiles();
            assertThat(now).containsOnlyKeys(committed.keySet());
            committed.forEach((key, bytes) -> assertThat(now.get(key)).isEqualTo(bytes));
            assertThat(b.rollup.status().snapshot().failing()).isTrue();
        }
    }

    @Test
    void filesAnEarlierAttemptPutThatTheFinalAttemptDoesNotWriteAreDeletedBeforeTheCommit() throws Exception {
        Path data = dir.resolve("a");
        long dropped;
        try (RollupHarness h = harness(data, RollupHarness.quietConfig(1000), CrashPoints.throwAt(CrashPoint.ALL_FILES_PUT))) {
            h.append(Table.REQUEST_FACTS, facts("kept", 20, 0), 20);
            h.seal();
            h.append(Table.REQUEST_FACTS, facts("dropped", 20, 60), 20); // the next hour: a file of its own
            h.seal();
            dropped = h.index.list(BatchState.SEALED).get(1).id();
            assertThatThrownBy(h::rollupNow).hasRootCauseInstanceOf(CrashPoints.SimulatedCrash.class);
            assertThat(lakeFiles()).hasSize(2);
        }
        SwitchableStore store = new SwitchableStore(new LocalObjectStore(lake()));
        store.down.set(true); // the re-executed run is stuck (here: on the store) and the operator steps in
        try (RollupHarness h = new RollupHarness(data, RollupHarness.quietConfig(1000), CrashPoints.NONE, store)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> h.rollup.status().snapshot().failing());
            // The operator takes the second batch out of the stuck run.
            assertThat(h.rollup.dropBatch(dropped)).hasValueSatisfying(entry -> assertThat(entry).contains(Long.toString(dropped)));
            assertThat(h.index.find(dropped)).map(BatchRecord::state).contains(BatchState.DEAD_LETTERED);
            assertThat(h.deadLetters.count()).isEqualTo(1);

            store.down.set(false);
            assertThat(h.rollupNow()).singleElement().satisfies(r -> {
                assertThat(r.runId()).isEqualTo(1);
                assertThat(r.events()).isEqualTo(20);
            });
        }
        assertThat(lakeFiles()).hasSize(1);
        assertThat(eventCopies()).hasSize(20).allSatisfy((id, n) -> assertThat(id).startsWith("kept-"));
    }

    @Test
    void dropBatchRefusesABatchThatIsNotSealed() throws Exception {
        try (RollupHarness h = harness(dir.resolve("a"), RollupHarness.quietConfig(1000))) {
            assertThatThrownBy(() -> h.rollup.dropBatch(42)).hasMessageContaining("no sealed batch 42");
        }
    }

    @Test
    void duringAStoreOutageTheRollupBacksOffProbesTheStoreAndResumesAsSoonAsItAnswers() throws Exception {
        SwitchableStore store = new SwitchableStore(new LocalObjectStore(lake()));
        try (RollupHarness h = new RollupHarness(dir.resolve("a"), RollupHarness.quietConfig(1000), CrashPoints.NONE, store)) {
            store.down.set(true);
            h.append(Table.REQUEST_FACTS, facts("waiting", 20, 0), 20);
            h.seal();
            long before = System.currentTimeMillis();
            assertThatThrownBy(h::rollupNow)
                    .isInstanceOfSatisfying(RollupService.RollupFailure.class,
                            f -> assertThat(f.kind()).isEqualTo(RollupStatus.FailureKind.STORE));
            RollupStatus.Snapshot failing = h.rollup.status().snapshot();
            assertThat(failing.failureStreak()).isEqualTo(1);
            assertThat(failing.lastError()).hasValueSatisfying(e -> assertThat(e).contains("simulated store outage"));
            // interval (1 h) ± 20 % jitter: the run is not re-executed every tick
            assertThat(failing.nextAttemptAtMillis() - before).isBetween(Duration.ofMinutes(47).toMillis(), Duration.ofMinutes(73).toMillis());

            // The scheduler asks the store, not the run, while it waits.
            int verifies = store.verifies.get();
            await().atMost(Duration.ofSeconds(20)).until(() -> store.verifies.get() >= verifies + 2);
            assertThat(h.rollup.status().snapshot().failureStreak()).isEqualTo(1);
            assertThat(store.puts.get()).isZero();

            store.down.set(false);
            await().atMost(Duration.ofSeconds(20)).until(() -> !h.rollup.status().snapshot().failing());
        }
        assertThat(eventCopies()).hasSize(20);
    }

    @Test
    void aRunWithoutRoomForItsFilesFailsBeforeWritingAnythingAndResumesWhenThereIsRoom() throws Exception {
        RollupConfig config = RollupHarness.quietConfig(1000);
        config.setMinFreeDisk(DataSize.tebibytes(1024)); // more than any disk here has free
        try (RollupHarness h = harness(dir.resolve("a"), config)) {
            h.append(Table.REQUEST_FACTS, facts("waiting", 20, 0), 20);
            h.seal();
            assertThatThrownBy(h::rollupNow)
                    .isInstanceOfSatisfying(RollupService.RollupFailure.class,
                            f -> assertThat(f.kind()).isEqualTo(RollupStatus.FailureKind.DISK))
                    .hasMessageContaining("not enough free disk")
                    .hasMessageContaining("rollup.minFreeDisk");
            assertThat(lakeFiles()).isEmpty();
            try (Stream<Path> work = Files.list(dir.resolve("a/rollup-work"))) {
                assertThat(work).isEmpty();
            }

            config.setMinFreeDisk(DataSize.mebibytes(1)); // space is back
            await().atMost(Duration.ofSeconds(20)).until(() -> !h.rollup.status().snapshot().failing());
        }
        assertThat(eventCopies()).hasSize(20);
    }

    @Test
    void aRunThatRunsOutOfHeapIsShrunkNotRetriedUnchanged() throws Exception {
        Path data = dir.resolve("a");
        try (RollupHarness h = harness(data, RollupHarness.quietConfig(1000), CrashPoints.outOfMemoryOnceAt(CrashPoint.ALL_FILES_PUT))) {
            for (int batch = 0; batch < 4; batch++) {
                h.append(Table.REQUEST_FACTS, facts("b" + batch, 10, batch * 60), 10); // one hour, one file per batch
                h.seal();
            }
            assertThatThrownBy(h::rollupNow)
                    .isInstanceOfSatisfying(RollupService.RollupFailure.class,
                            f -> assertThat(f.kind()).isEqualTo(RollupStatus.FailureKind.MEMORY));
            assertThat(h.rollup.status().snapshot().lastError()).hasValueSatisfying(e -> assertThat(e).contains("run shrunk: 2 batches"));
            assertThat(lakeFiles()).hasSize(4); // the failed attempt had put all four hours

            List<RunSummary> runs = h.rollupNow();
            assertThat(runs).extracting(RunSummary::runId).containsExactly(1L, 2L);
            assertThat(runs).extracting(RunSummary::batches).containsExactly(2L, 2L);
        }
        assertThat(eventCopies()).hasSize(40).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));
        assertThat(lakeFiles()).hasSize(4);
    }

    @Test
    void aRunsArraysAreKeptForTheNextRunAndLetGoWhenTheHeapRunsShortOrTheRollupIdles() throws Exception {
        SettableClock clock = new SettableClock(Instant.now());
        try (RollupHarness h = new RollupHarness(dir.resolve("a"), RollupHarness.quietConfig(1000),
                CrashPoints.outOfMemoryOnceAt(CrashPoint.ALL_FILES_PUT, 1), new LocalObjectStore(lake()), clock)) {
            rollUp(h, "first", 0);
            assertThat(h.rollup.heldRunArrayBytes()).as("kept for the next run").isPositive();

            h.append(Table.REQUEST_FACTS, facts("second", 20, 60), 20);
            h.seal();
            assertThatThrownBy(h::rollupNow).isInstanceOfSatisfying(RollupService.RollupFailure.class,
                    f -> assertThat(f.kind()).isEqualTo(RollupStatus.FailureKind.MEMORY));
            assertThat(h.rollup.heldRunArrayBytes()).as("let go when the heap ran short").isZero();

            assertThat(h.rollupNow()).singleElement().satisfies(r -> assertThat(r.events()).isEqualTo(20));
            assertThat(h.rollup.heldRunArrayBytes()).isPositive();

            clock.advance(Duration.ofHours(RollupService.IDLE_INTERVALS).plusSeconds(1)); // quietConfig: an interval of 1 h
            await().atMost(Duration.ofSeconds(20)).until(() -> h.rollup.heldRunArrayBytes() == 0);
        }
        assertThat(eventCopies()).hasSize(40).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));
    }

    @Test
    void aRunWhoseIdsFailToReachTheInMemoryIndexAfterItsCommitStillDropsTheirRetries() throws Exception {
        Path data = dir.resolve("a");
        try (RollupHarness h = harness(data, RollupHarness.quietConfig(1000), CrashPoints.outOfMemoryOnceAt(CrashPoint.COMMITTED))) {
            h.append(Table.REQUEST_FACTS, facts("c", 10, 0), 10);
            h.seal();
            // committed in SQLite, then the heap ran out before the ids were added in memory
            assertThatThrownBy(h::rollupNow).isInstanceOf(RollupService.RollupFailure.class);
            h.append(Table.REQUEST_FACTS, facts("c", 10, 0), 10); // the client's retry of the same request
            h.seal();
            List<RunSummary> runs = h.rollupNow();
            assertThat(runs).singleElement().satisfies(r -> {
                assertThat(r.events()).isZero();
                assertThat(r.duplicates()).isEqualTo(10);
            });
        }
        assertThat(eventCopies()).hasSize(10).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));
    }

    private RollupHarness harness(Path data, RollupConfig config) throws Exception {
        return harness(data, config, CrashPoints.NONE);
    }

    private RollupHarness harness(Path data, RollupConfig config, CrashPoints crashPoints) throws Exception {
        return new RollupHarness(data, config, crashPoints, new LocalObjectStore(lake()));
    }

    private static RunSummary rollUp(RollupHarness h, String prefix, int hourOffset) throws Exception {
        h.append(Table.REQUEST_FACTS, facts(prefix, 20, hourOffset * 60), 20);
        h.seal();
        List<RunSummary> runs = h.rollupNow();
        assertThat(runs).hasSize(1);
        return runs.get(0);
    }

    private static void copyIndex(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        for (String name : List.of("index.db", "index.db-wal", "index.db-shm")) {
            Files.deleteIfExists(to.resolve(name));
            if (Files.exists(from.resolve(name))) {
                Files.copy(from.resolve(name), to.resolve(name));
            }
        }
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    /** Every Parquet file in the lake by key, with its bytes. */
    private Map<String, byte[]> lakeFiles() throws Exception {
        Map<String, byte[]> files = new TreeMap<>();
        if (!Files.exists(lake())) {
            return files;
        }
        try (Stream<Path> s = Files.walk(lake())) {
            for (Path p : s.filter(f -> f.toString().endsWith(".parquet")).toList()) {
                files.put(lake().relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return files;
    }

    private Map<String, Integer> eventCopies() throws Exception {
        Map<String, Integer> copies = new HashMap<>();
        for (Map<String, Object> row : LakeDuckDb.requestFacts(lake())) {
            copies.merge((String) row.get("event_id"), 1, Integer::sum);
        }
        return copies;
    }

    static RequestFactRecord facts(String prefix, int n, int minuteOffset) {
        RequestFactRecord.Builder r = RequestFactRecord.newBuilder().setSource("s").setIngestedAtMicros(1_772_362_000_000_000L);
        for (int i = 0; i < n; i++) {
            r.addFacts(RequestFact.newBuilder().setEventId(prefix + "-" + i)
                    .setTimestamp(Timestamp.newBuilder().setSeconds(HOUR.getEpochSecond() + minuteOffset * 60L + i))
                    .setService("checkout").setRoute("/v1/x").setMethod("GET").setStatusCode(200).setDurationMs(1));
        }
        return r.build();
    }
}

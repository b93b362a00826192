package io.gravix.rollup;

import static org.assertj.core.api.Assertions.assertThat;

import io.gravix.api.spool.v1.RequestFactRecord;
import io.gravix.api.spool.v1.ServiceEventRecord;
import io.gravix.api.v1.RequestFact;
import io.gravix.api.v1.ServiceEvent;
import io.gravix.loadgen.EventFactory;
import io.gravix.rollup.columns.CommittedIds;
import io.gravix.rollup.columns.EventColumns;
import io.gravix.spool.Table;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link EventColumns#dropRepeatedIds}: the run's dedupe over its decoded rows. */
class RunDedupeTest {
    private static final Duration WINDOW = Duration.ofDays(7);
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final SeenIds NOTHING_COMMITTED = new SeenIds(WINDOW, run -> Optional.empty());

    @TempDir
    Path dir;

    private final EventFactory events = new EventFactory("dedupe", Clock.fixed(T0, ZoneOffset.UTC), 3);

    /** A fact with id {@code id} whose timestamp tells the copies of an id apart: {@code copy} seconds after T0. */
    private RequestFact fact(String id, int copy) {
        return events.requestFact(0).toBuilder().setEventId(id)
                .setTimestamp(com.google.protobuf.Timestamp.newBuilder().setSeconds(T0.getEpochSecond() + copy)).build();
    }

    private static EventColumns columnsOf(List<RequestFactRecord> records) {
        int bytes = records.stream().mapToInt(RequestFactRecord::getSerializedSize).sum();
        EventColumns columns = EventColumns.of(Table.REQUEST_FACTS, bytes);
        long batch = 1;
        for (RequestFactRecord r : records) {
            byte[] b = r.toByteArray();
            columns.appendRecord(b, 0, b.length, batch++);
        }
        return columns;
    }

    private static List<String> ids(EventColumns columns) {
        List<String> ids = new ArrayList<>();
        for (int row = 0; row < columns.rows(); row++) {
            ids.add(columns.eventId(row));
        }
        return ids;
    }

    @Test
    void keepsTheFirstCopyOfEachIdInRowOrderAcrossManyGroups() {
        // 5,000 ids (about twenty groups), then every seventh again in a later record, and some
        // twice in the same record: the first copy (copy 0) of each is the one kept.
        RequestFactRecord.Builder first = RequestFactRecord.newBuilder().setIngestedAtMicros(1);
        for (int i = 0; i < 5_000; i++) {
            first.addFacts(fact("id-" + i, 0));
            if (i % 1_000 == 0) {
                first.addFacts(fact("id-" + i, 1));
            }
        }
        RequestFactRecord.Builder repeats = RequestFactRecord.newBuilder().setIngestedAtMicros(2);
        for (int i = 4_998; i >= 0; i -= 7) {
            repeats.addFacts(fact("id-" + i, 2));
        }
        EventColumns columns = columnsOf(List.of(first.build(), repeats.build()));
        assertThat(columns.rows()).isEqualTo(5_000 + 5 + 715);

        assertThat(columns.dropRepeatedIds(NOTHING_COMMITTED)).isEqualTo(5 + 715);

        assertThat(columns.rows()).isEqualTo(5_000);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            expected.add("id-" + i);
        }
        assertThat(ids(columns)).isEqualTo(expected);
        for (int row = 0; row < columns.rows(); row++) {
            assertThat(columns.timestampMicros(row)).as("row %d is the first copy", row).isEqualTo(T0.getEpochSecond() * 1_000_000);
        }
    }

    /**
     * With a helper thread taking half of the fingerprints and of the groups, the same rows
     * are dropped and the same fingerprints handed on, in the same order, as on one thread:
     * repeats within the run (also across the two halves' rows), ids a committed run kept,
     * and fingerprint hits of ids no run kept (the exact check then reads the stored run).
     */
    @Test
    void aHelperThreadDropsWhatOneThreadDrops() throws InterruptedException {
        String[] committed = new String[500];
        for (int i = 0; i < committed.length; i++) {
            committed[i] = String.format("old-%04d", i);
        }
        // Ids 0..99 of the committed run share fingerprints with new ids: exact checks from both threads.
        ToLongFunction<String> fingerprints = id -> id.startsWith("old-00") || id.startsWith("new-01")
                ? 99L + id.charAt(id.length() - 1) : FingerprintMap.fingerprint(id);
        SplittableRandom random = new SplittableRandom(5);
        List<RequestFactRecord> records = new ArrayList<>();
        for (int r = 0; r < 20; r++) {
            RequestFactRecord.Builder record = RequestFactRecord.newBuilder().setIngestedAtMicros(r);
            for (int i = 0; i < 1_000; i++) {
                int n = random.nextInt(12_000);
                String id = n < 1_000 ? committed[n % committed.length] : String.format("new-%05d", n);
                record.addFacts(fact(id, r));
            }
            records.add(record.build());
        }
        SeenIds seen = new SeenIds(WINDOW, fingerprints, run -> Optional.empty());
        seen.add(1, System.currentTimeMillis(), committed);
        ExecutorService helper = Executors.newSingleThreadExecutor(t -> new Thread(t, "dedupe-helper"));
        try {
            EventColumns alone = columnsOf(records);
            long droppedAlone = alone.dropRepeatedIds(seen);
            EventColumns helped = columnsOf(records);
            CountDownLatch helperLookedUp = new CountDownLatch(1);
            long droppedHelped = helped.dropRepeatedIds(lookingUpOnBothThreads(seen, helperLookedUp), helper);

            assertThat(helperLookedUp.getCount()).as("the helper thread deduped its half").isZero();
            assertThat(droppedHelped).isEqualTo(droppedAlone).isGreaterThan(5_000);
            assertThat(ids(helped)).isEqualTo(ids(alone)).doesNotHaveDuplicates().noneMatch(id -> id.startsWith("old-"));
            for (int row = 0; row < alone.rows(); row++) {
                assertThat(helped.timestampMicros(row)).isEqualTo(alone.timestampMicros(row));
            }
            assertThat(Arrays.copyOf(helped.keptFingerprints(), helped.rows()))
                    .isEqualTo(Arrays.copyOf(alone.keptFingerprints(), alone.rows()));
        } finally {
            helper.shutdownNow();
            assertThat(helper.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    /**
     * {@code seen}, whose lookups from this thread wait until the helper thread has made one:
     * the two halves of the dedupe then surely run at once.
     */
    private static CommittedIds lookingUpOnBothThreads(SeenIds seen, CountDownLatch helperLookedUp) {
        Thread caller = Thread.currentThread();
        return new CommittedIds() {
            @Override
            public long fingerprint(byte[] buf, int off, int len) {
                return seen.fingerprint(buf, off, len);
            }

            @Override
            public boolean contains(long fingerprint, byte[] buf, int off, int len) {
                if (Thread.currentThread() == caller) {
                    try {
                        helperLookedUp.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                } else {
                    helperLookedUp.countDown();
                }
                return seen.contains(fingerprint, buf, off, len);
            }
        };
    }

    @Test
    void theKeptRowsFingerprintsAreThoseOfTheirIdsForTheSeenIdIndexToInsert() {
        RequestFactRecord.Builder record = RequestFactRecord.newBuilder();
        for (int i = 0; i < 3_000; i++) {
            record.addFacts(fact("k-" + i % 2_000, 0));
        }
        EventColumns columns = columnsOf(List.of(record.build()));
        columns.dropRepeatedIds(NOTHING_COMMITTED);

        long[] expected = new long[columns.rows()];
        for (int row = 0; row < columns.rows(); row++) {
            expected[row] = FingerprintMap.fingerprint(columns.eventId(row));
        }
        long[] kept = Arrays.copyOf(columns.keptFingerprints(), columns.rows());
        Arrays.sort(expected);
        Arrays.sort(kept);
        assertThat(kept).hasSize(2_000).isEqualTo(expected);
    }

    @Test
    void idsWhoseFingerprintsCollideAreComparedByTheirBytes() {
        // every id has the same fingerprint: one group, one probe chain
        SeenIds colliding = new SeenIds(WINDOW, id -> 42L, run -> Optional.empty());
        RequestFactRecord.Builder record = RequestFactRecord.newBuilder();
        for (int i = 0; i < 300; i++) {
            record.addFacts(fact("c-" + i, 0));
        }
        record.addFacts(fact("c-17", 1)).addFacts(fact("c-299", 1)).addFacts(fact("c-300", 1));
        EventColumns columns = columnsOf(List.of(record.build()));

        assertThat(columns.dropRepeatedIds(colliding)).isEqualTo(2);

        assertThat(columns.rows()).isEqualTo(301);
        assertThat(columns.eventId(300)).isEqualTo("c-300");
        assertThat(columns.timestampMicros(17)).isEqualTo(T0.getEpochSecond() * 1_000_000);
    }

    @Test
    void dropsIdsThatACommittedRunKeptWhetherOrNotTheirFingerprintsCollide() {
        String[] committed = {"old-1", "old-2"};
        for (ToLongFunction<String> fingerprints : List.<ToLongFunction<String>>of(FingerprintMap::fingerprint, id -> 7L)) {
            SeenIds seen = new SeenIds(WINDOW, fingerprints, run -> run == 1
                    ? Optional.of(new SeenIds.StoredRun(System.currentTimeMillis(), committed)) : Optional.empty());
            seen.add(1, System.currentTimeMillis(), committed);
            EventColumns columns = columnsOf(List.of(RequestFactRecord.newBuilder()
                    .addFacts(fact("old-2", 0)).addFacts(fact("new-1", 0)).addFacts(fact("old-1", 0)).addFacts(fact("new-1", 1)).build()));

            assertThat(columns.dropRepeatedIds(seen)).isEqualTo(3);

            assertThat(ids(columns)).containsExactly("new-1");
            assertThat(columns.timestampMicros(0)).isEqualTo(T0.getEpochSecond() * 1_000_000);
        }
    }

    @Test
    void eachFrameCountsTheRowsItKeeps() {
        EventColumns columns = columnsOf(List.of(
                RequestFactRecord.newBuilder().setIngestedAtMicros(10).addFacts(fact("a", 0)).addFacts(fact("b", 0)).build(),
                RequestFactRecord.newBuilder().setIngestedAtMicros(20).addFacts(fact("a", 1)).build(),
                RequestFactRecord.newBuilder().setIngestedAtMicros(30).addFacts(fact("b", 1)).addFacts(fact("c", 1)).build()));
        columns.dropRepeatedIds(NOTHING_COMMITTED);

        List<long[]> frames = new ArrayList<>();
        columns.forEachFrame((ingestedAt, rows) -> frames.add(new long[] {ingestedAt, rows}));

        assertThat(frames).containsExactly(new long[] {10, 2}, new long[] {20, 0}, new long[] {30, 1});
        assertThat(FreshnessTally.of(columns).events()).isEqualTo(3);
    }

    /**
     * Differential, both tables: columns that held repeats (in the same record and in later
     * ones, with attributes on both sides of each dropped row) and lost them to the dedupe
     * write the same file, byte for byte, as columns that only ever held the first copies.
     */
    @Test
    void afterTheDedupeTheColumnsWriteWhatColumnsWithoutTheRepeatsWrite() throws IOException {
        SplittableRandom random = new SplittableRandom(11);
        List<byte[]> withRepeats = new ArrayList<>();
        List<byte[]> firstCopies = new ArrayList<>();
        List<byte[]> eventsWithRepeats = new ArrayList<>();
        List<byte[]> firstEventCopies = new ArrayList<>();
        Set<String> keptFacts = new HashSet<>();
        Set<String> keptEvents = new HashSet<>();
        int next = 0;
        for (int r = 0; r < 40; r++) {
            RequestFactRecord.Builder all = RequestFactRecord.newBuilder().setSource("s" + r % 3).setIngestedAtMicros(r);
            RequestFactRecord.Builder firsts = all.clone();
            ServiceEventRecord.Builder allEvents = ServiceEventRecord.newBuilder().setSource("s" + r % 3).setIngestedAtMicros(r);
            ServiceEventRecord.Builder firstEvents = allEvents.clone();
            for (int i = 0; i < 50; i++) {
                String id = next > 0 && random.nextInt(5) == 0 ? "e-" + random.nextInt(next) : "e-" + next++;
                RequestFact.Builder fact = events.requestFact(next).toBuilder().setEventId(id);
                ServiceEvent.Builder event = events.serviceEvent(next).toBuilder().setEventId(id);
                for (int a = random.nextInt(4); a > 0; a--) {
                    fact.putAttributes("k" + a, "v" + random.nextInt(100));
                    event.putAttributes("k" + a, "v" + random.nextInt(100));
                }
                all.addFacts(fact);
                allEvents.addEvents(event);
                if (keptFacts.add(id)) {
                    firsts.addFacts(fact);
                }
                if (keptEvents.add(id)) {
                    firstEvents.addEvents(event);
                }
            }
            withRepeats.add(all.build().toByteArray());
            firstCopies.add(firsts.build().toByteArray());
            eventsWithRepeats.add(allEvents.build().toByteArray());
            firstEventCopies.add(firstEvents.build().toByteArray());
        }
        assertDedupeWritesTheFileOfFirstCopies(Table.REQUEST_FACTS, withRepeats, firstCopies);
        assertDedupeWritesTheFileOfFirstCopies(Table.SERVICE_EVENTS, eventsWithRepeats, firstEventCopies);
    }

    private void assertDedupeWritesTheFileOfFirstCopies(Table table, List<byte[]> withRepeats, List<byte[]> firstCopies)
            throws IOException {
        EventColumns deduped = append(table, withRepeats);
        int before = deduped.rows();
        long dropped = deduped.dropRepeatedIds(NOTHING_COMMITTED);
        EventColumns clean = append(table, firstCopies);
        assertThat(dropped).isGreaterThan(100).isEqualTo(before - clean.rows());
        assertThat(clean.dropRepeatedIds(NOTHING_COMMITTED)).isZero();

        Path a = dir.resolve(table + "-deduped.parquet");
        Path b = dir.resolve(table + "-clean.parquet");
        writeAll(a, deduped);
        writeAll(b, clean);
        assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
    }

    private static EventColumns append(Table table, List<byte[]> records) {
        EventColumns columns = EventColumns.of(table, records.stream().mapToInt(r -> r.length).sum());
        long batch = 1;
        for (byte[] r : records) {
            columns.appendRecord(r, 0, r.length, batch++);
        }
        return columns;
    }

    private static void writeAll(Path file, EventColumns columns) throws IOException {
        columns.seal();
        int[] rows = new int[columns.rows()];
        Arrays.setAll(rows, i -> i);
        ParquetEventWriter.writeFile(file, columns, rows, 0, rows.length, Map.of());
    }
}

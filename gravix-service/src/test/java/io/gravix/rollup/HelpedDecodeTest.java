package io.gravix.rollup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gravix.api.spool.v1.RequestFactRecord;
import io.gravix.api.spool.v1.ServiceEventRecord;
import io.gravix.api.v1.RequestFact;
import io.gravix.api.v1.ServiceEvent;
import io.gravix.loadgen.EventFactory;
import io.gravix.rollup.columns.EventColumns;
import io.gravix.rollup.columns.MalformedRecordException;
import io.gravix.rollup.columns.SortedRun;
import io.gravix.spool.Table;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link EventColumns#appendRecordsAt} with a helper thread decoding the later half of the
 * records: the columns must be those of appending every record on one thread, one after
 * the other — the same rows in the same order, the same lake order, the same file, byte
 * for byte — while the helper sees values (services, routes, methods, sources) the first
 * half never saw, values both halves saw, and attribute entries of its own.
 */
class HelpedDecodeTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    @TempDir
    Path dir;

    private final EventFactory events = new EventFactory("helped", Clock.fixed(T0, ZoneOffset.UTC), 5);
    private final AtomicInteger helperRuns = new AtomicInteger();

    /** Runs each task to its end on a thread of its own before the caller goes on: the helper surely decodes its half. */
    private final Executor otherThread = task -> {
        Thread t = new Thread(() -> {
            helperRuns.incrementAndGet();
            task.run();
        }, "decode-helper");
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    };

    @Test
    void requestFactsDecodedHalfByAHelperAreTheColumnsOfOneThread() throws IOException {
        SplittableRandom random = new SplittableRandom(3);
        List<byte[]> records = new ArrayList<>();
        for (int r = 0; r < 40; r++) {
            RequestFactRecord.Builder record = RequestFactRecord.newBuilder().setIngestedAtMicros(1_000L * r);
            if (r % 4 != 3) {
                record.setSource("source-" + r % 7); // later records bring sources the first half never saw; some none
            }
            int facts = r == 5 || r == 30 ? 0 : 100 + random.nextInt(300);
            for (int i = 0; i < facts; i++) {
                RequestFact.Builder fact = events.requestFact(r * 1_000L + i).toBuilder()
                        .setService("svc-" + random.nextInt(2 + r / 4))
                        .setRoute("/r/" + random.nextInt(3 + r))
                        .setMethod(r > 25 && i % 9 == 0 ? "PATCH" : "GET");
                for (int a = random.nextInt(4); a > 0; a--) {
                    fact.putAttributes("k" + random.nextInt(5), "v" + random.nextInt(50));
                }
                record.addFacts(fact);
            }
            records.add(record.build().toByteArray());
        }
        assertHelpedDecodeIsOneThreadsDecode(Table.REQUEST_FACTS, records);
    }

    @Test
    void serviceEventsDecodedHalfByAHelperAreTheColumnsOfOneThread() throws IOException {
        SplittableRandom random = new SplittableRandom(4);
        List<byte[]> records = new ArrayList<>();
        for (int r = 0; r < 30; r++) {
            ServiceEventRecord.Builder record = ServiceEventRecord.newBuilder().setSource("deployer-" + r % 5).setIngestedAtMicros(r);
            for (int i = 0; i < 200 + random.nextInt(200); i++) {
                ServiceEvent.Builder event = events.serviceEvent(r * 1_000L + i).toBuilder()
                        .setService("svc-" + random.nextInt(1 + r / 3))
                        .setEnvironment(r > 20 ? "staging" : "");
                if (random.nextBoolean()) {
                    event.putAttributes("pr", "#" + random.nextInt(100)).putAttributes("by", "u" + random.nextInt(9));
                }
                record.addEvents(event);
            }
            records.add(record.build().toByteArray());
        }
        assertHelpedDecodeIsOneThreadsDecode(Table.SERVICE_EVENTS, records);
    }

    private void assertHelpedDecodeIsOneThreadsDecode(Table table, List<byte[]> records) throws IOException {
        EventColumns alone = EventColumns.of(table, totalBytes(records));
        long batch = 1;
        for (byte[] r : records) {
            alone.appendRecord(r, 0, r.length, batch++);
        }
        EventColumns helped = EventColumns.of(table, totalBytes(records));
        assertThat(appendInArena(helped, records, otherThread)).isEqualTo(alone.rows()).isGreaterThan(4_096);
        assertThat(helperRuns).as("the helper decoded its half").hasValue(1);

        assertThat(helped.rows()).isEqualTo(alone.rows());
        for (int row = 0; row < alone.rows(); row++) {
            assertThat(helped.eventId(row)).isEqualTo(alone.eventId(row));
        }
        List<String> framesAlone = new ArrayList<>();
        alone.forEachFrame((ingestedAt, rows) -> framesAlone.add(ingestedAt + ":" + rows));
        List<String> framesHelped = new ArrayList<>();
        helped.forEachFrame((ingestedAt, rows) -> framesHelped.add(ingestedAt + ":" + rows));
        assertThat(framesHelped).isEqualTo(framesAlone);

        alone.seal();
        helped.seal();
        int[] orderAlone = SortedRun.of(alone).rows();
        assertThat(SortedRun.of(helped).rows()).isEqualTo(orderAlone);
        Path a = dir.resolve(table + "-alone.parquet");
        Path b = dir.resolve(table + "-helped.parquet");
        ParquetEventWriter.writeFile(a, alone, orderAlone, 0, orderAlone.length, Map.of());
        ParquetEventWriter.writeFile(b, helped, orderAlone, 0, orderAlone.length, Map.of());
        assertThat(Files.readAllBytes(b)).isEqualTo(Files.readAllBytes(a));
    }

    @Test
    void aMalformedRecordIsNamedWhicheverHalfDecodesIt() throws IOException {
        List<byte[]> records = new ArrayList<>();
        for (int r = 0; r < 10; r++) {
            RequestFactRecord.Builder record = RequestFactRecord.newBuilder();
            for (int i = 0; i < 1_000; i++) {
                record.addFacts(events.requestFact(r * 1_000L + i));
            }
            records.add(record.build().toByteArray());
        }
        for (int bad : new int[] {2, 8}) { // in the first half (this thread), in the later half (the helper)
            List<byte[]> withBad = new ArrayList<>(records);
            // a fact without its duration: well-formed protobuf, but not what ingest spools
            withBad.set(bad, RequestFactRecord.newBuilder().addFacts(events.requestFact(99).toBuilder().clearDurationMs())
                    .addAllFacts(RequestFactRecord.parseFrom(records.get(bad)).getFactsList()).build().toByteArray());
            EventColumns columns = EventColumns.of(Table.REQUEST_FACTS, totalBytes(withBad));

            assertThatThrownBy(() -> appendInArena(columns, withBad, otherThread))
                    .isInstanceOfSatisfying(MalformedRecordException.class, e -> assertThat(e.record()).isEqualTo(bad))
                    .hasMessageContaining("has no duration_ms");
        }
    }

    @Test
    void aFileWhosePayloadIsNotARecordIsNamedAmongTheRunsFiles() throws IOException {
        // Each file's frames in the arena; the later file's frame is not a record at all.
        EventColumns columns = EventColumns.of(Table.REQUEST_FACTS, 1 << 20);
        RequestFactRecord.Builder good = RequestFactRecord.newBuilder();
        for (int i = 0; i < 6_000; i++) {
            good.addFacts(events.requestFact(i));
        }
        byte[] first = good.build().toByteArray();
        byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff};
        int atFirst = columns.claimArena(first.length);
        System.arraycopy(first, 0, columns.arena(), atFirst, first.length);
        int atGarbage = columns.claimArena(garbage.length);
        System.arraycopy(garbage, 0, columns.arena(), atGarbage, garbage.length);
        List<SpoolBatchReader.Frames> files = List.of(
                new SpoolBatchReader.Frames(List.<long[]>of(new long[] {16, atFirst, first.length})),
                new SpoolBatchReader.Frames(List.<long[]>of(new long[] {16, atGarbage, garbage.length})));

        assertThatThrownBy(() -> SpoolBatchReader.appendAll(files, new long[] {7, 8}, columns, otherThread))
                .isInstanceOfSatisfying(SpoolBatchReader.Undecodable.class, e -> {
                    assertThat(e.file()).isEqualTo(1);
                    assertThat(e.problem().offset()).isEqualTo(16);
                    assertThat(e.problem()).hasMessageContaining("is not a valid request_facts record");
                });
    }

    /** The records copied into the arena one after the other, then appended together with {@code helper}. */
    private static int appendInArena(EventColumns columns, List<byte[]> records, Executor helper) {
        int[] at = new int[records.size()];
        int[] len = new int[records.size()];
        long[] batches = new long[records.size()];
        for (int i = 0; i < records.size(); i++) {
            byte[] r = records.get(i);
            at[i] = columns.claimArena(r.length);
            System.arraycopy(r, 0, columns.arena(), at[i], r.length);
            len[i] = r.length;
            batches[i] = i + 1;
        }
        return columns.appendRecordsAt(at, len, batches, records.size(), helper);
    }

    private static long totalBytes(List<byte[]> records) {
        return records.stream().mapToLong(r -> r.length).sum();
    }
}

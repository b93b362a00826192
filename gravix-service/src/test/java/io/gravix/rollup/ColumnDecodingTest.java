package io.gravix.rollup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.gravix.api.spool.v1.RequestFactRecord;
import io.gravix.api.spool.v1.ServiceEventRecord;
import io.gravix.api.v1.RequestFact;
import io.gravix.api.v1.ServiceEvent;
import io.gravix.loadgen.EventFactory;
import io.gravix.rollup.columns.ColumnArrays;
import io.gravix.rollup.columns.EventColumns;
import io.gravix.rollup.columns.MalformedRecordException;
import io.gravix.spool.Table;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rollup decodes spool records straight from their bytes into columns. A client's
 * protobuf body is spooled as sent, so those bytes may be any encoding protobuf-java
 * accepted at ingest: fields repeated, out of order, unknown, of an unexpected wire type,
 * map keys repeated. Differential check: the file written from the raw bytes must be
 * byte-identical to the one written from protobuf-java's parse of the same bytes
 * (re-encoded canonically), so the lake holds exactly what ingest validated.
 */
class ColumnDecodingTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void requestFactsInAnyWireEncodingDecodeAsProtobufJavaParsesThem() throws Exception {
        EventFactory factory = new EventFactory("wire", Clock.fixed(T0, ZoneOffset.UTC), 9);
        SplittableRandom random = new SplittableRandom(4);
        for (int record = 0; record < 200; record++) {
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(wire);
            int facts = 1 + random.nextInt(20);
            for (int i = 0; i < facts; i++) {
                byte[] fact = perturbedRequestFact(factory.requestFact(record * 100L + i), random);
                out.writeByteArray(1, fact);
                if (random.nextInt(8) == 0) {
                    out.writeString(2, "early-source-" + i); // source before the last fact: the last value wins
                }
            }
            out.writeString(2, "web");
            out.writeInt64(3, 1_772_362_000_000_000L + record);
            if (random.nextBoolean()) {
                out.writeInt64(3, 1_772_362_000_000_000L + record + 1); // repeated: the last wins
                out.writeString(77, "unknown record field");
            }
            out.flush();
            byte[] bytes = wire.toByteArray();
            RequestFactRecord parsed = RequestFactRecord.parseFrom(bytes);

            Path fromBytes = dir.resolve("raw-" + record + ".parquet");
            EventColumns columns = EventColumns.of(Table.REQUEST_FACTS, bytes.length);
            assertThat(columns.appendRecord(bytes, 0, bytes.length, 5)).isEqualTo(facts);
            writeAll(fromBytes, columns);

            Path fromParse = dir.resolve("parsed-" + record + ".parquet");
            try (ParquetEventWriter<RequestFact> writer = ParquetEventWriter.requestFacts(fromParse)) {
                for (RequestFact f : parsed.getFactsList()) {
                    writer.write(new EventRow<>(f, parsed.getSource(), parsed.getIngestedAtMicros(), 5));
                }
            }
            assertThat(Files.readAllBytes(fromBytes)).as("record %d", record).isEqualTo(Files.readAllBytes(fromParse));
        }
    }

    @Test
    void serviceEventsInAnyWireEncodingDecodeAsProtobufJavaParsesThem() throws Exception {
        EventFactory factory = new EventFactory("wire", Clock.fixed(T0, ZoneOffset.UTC), 9);
        SplittableRandom random = new SplittableRandom(8);
        for (int record = 0; record < 100; record++) {
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(wire);
            int events = 1 + random.nextInt(5);
            for (int i = 0; i < events; i++) {
                ServiceEvent.Builder event = factory.serviceEvent(record * 100L + i).toBuilder();
                if (random.nextBoolean()) {
                    event.setVersion("v" + i).setActor("Zoë").setMessage("déploiement ✅").putAttributes("pr", "#" + i);
                }
                ByteArrayOutputStream e = new ByteArrayOutputStream();
                event.build().writeTo(e);
                CodedOutputStream extra = CodedOutputStream.newInstance(e);
                if (random.nextBoolean()) {
                    extra.writeEnum(5, ServiceEvent.Kind.ROLLBACK_VALUE); // kind again: the last wins
                    extra.writeString(7, ""); // actor again, empty: null in the lake
                }
                extra.writeFixed32(40, 7); // unknown
                extra.flush();
                out.writeByteArray(1, e.toByteArray());
            }
            out.writeString(2, "deploy-bot");
            out.writeInt64(3, 1_772_362_000_000_000L);
            out.flush();
            byte[] bytes = wire.toByteArray();
            ServiceEventRecord parsed = ServiceEventRecord.parseFrom(bytes);

            Path fromBytes = dir.resolve("raw-" + record + ".parquet");
            EventColumns columns = EventColumns.of(Table.SERVICE_EVENTS, bytes.length);
            columns.appendRecord(bytes, 0, bytes.length, 9);
            writeAll(fromBytes, columns);
            Path fromParse = dir.resolve("parsed-" + record + ".parquet");
            try (ParquetEventWriter<ServiceEvent> writer = ParquetEventWriter.serviceEvents(fromParse)) {
                for (ServiceEvent e : parsed.getEventsList()) {
                    writer.write(new EventRow<>(e, parsed.getSource(), parsed.getIngestedAtMicros(), 9));
                }
            }
            assertThat(Files.readAllBytes(fromBytes)).as("record %d", record).isEqualTo(Files.readAllBytes(fromParse));
        }
    }

    @Test
    void hugeFieldNumbersAndOverlongVarintsDecodeAsProtobufJavaReadsThem() throws Exception {
        RequestFact base = new EventFactory("v", Clock.fixed(T0, ZoneOffset.UTC), 2).requestFact(7).toBuilder().clearEventId().build();
        ByteArrayOutputStream fact = new ByteArrayOutputStream();
        // event_id "abcde" with its length as a 5-byte varint of 2^32 + 5: protobuf-java keeps the low 32 bits
        fact.write(new byte[] {0x0a, (byte) 0x85, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x10, 'a', 'b', 'c', 'd', 'e'});
        base.writeTo(fact);
        ByteArrayOutputStream entry = new ByteArrayOutputStream();
        CodedOutputStream e = CodedOutputStream.newInstance(entry);
        e.writeString(1, "k");
        e.writeString(2, "v");
        e.writeUInt64(300_000_000, 1); // unknown inside a map entry (ingest lets it through): a tag above 2^31
        e.flush();
        CodedOutputStream f = CodedOutputStream.newInstance(fact);
        f.writeByteArray(13, entry.toByteArray());
        f.flush();
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(wire);
        out.writeByteArray(1, fact.toByteArray());
        out.writeString(2, "web");
        out.flush();
        byte[] bytes = wire.toByteArray();
        RequestFactRecord parsed = RequestFactRecord.parseFrom(bytes);
        assertThat(parsed.getFacts(0).getEventId()).isEqualTo("abcde");

        Path fromBytes = dir.resolve("raw.parquet");
        EventColumns columns = EventColumns.of(Table.REQUEST_FACTS, bytes.length);
        columns.appendRecord(bytes, 0, bytes.length, 5);
        writeAll(fromBytes, columns);
        Path fromParse = dir.resolve("parsed.parquet");
        try (ParquetEventWriter<RequestFact> writer = ParquetEventWriter.requestFacts(fromParse)) {
            writer.write(new EventRow<>(parsed.getFacts(0), parsed.getSource(), parsed.getIngestedAtMicros(), 5));
        }
        assertThat(Files.readAllBytes(fromBytes)).isEqualTo(Files.readAllBytes(fromParse));
    }

    @Test
    void aRecordReadIntoTheArenaInPlaceDecodesAsACopiedOne() throws IOException {
        EventFactory events = new EventFactory("p", Clock.fixed(T0, ZoneOffset.UTC), 3);
        RequestFactRecord.Builder record = RequestFactRecord.newBuilder().setSource("web").setIngestedAtMicros(42);
        for (int i = 0; i < 20; i++) {
            record.addFacts(events.requestFact(i));
        }
        byte[] bytes = record.build().toByteArray();

        EventColumns copied = EventColumns.of(Table.REQUEST_FACTS, bytes.length);
        copied.appendRecord(bytes, 0, bytes.length, 5);
        EventColumns inPlace = EventColumns.of(Table.REQUEST_FACTS, 0);
        int at = inPlace.claimArena(bytes.length + 10);
        System.arraycopy(bytes, 0, inPlace.arena(), at + 10, bytes.length);
        assertThat(inPlace.appendRecordAt(at + 10, bytes.length, 5)).isEqualTo(20);

        Path a = dir.resolve("copied.parquet");
        Path b = dir.resolve("in-place.parquet");
        writeAll(a, copied);
        writeAll(b, inPlace);
        assertThat(Files.readAllBytes(b)).isEqualTo(Files.readAllBytes(a));
    }

    @Test
    void columnsDecodedIntoAnEarlierRunsArraysWriteWhatFreshColumnsWrite() throws IOException {
        EventFactory events = new EventFactory("reuse", Clock.fixed(T0, ZoneOffset.UTC), 5);
        // The earlier run: bigger, every optional field set, so its arrays hold values in every slot.
        RequestFactRecord.Builder full = RequestFactRecord.newBuilder().setSource("earlier").setIngestedAtMicros(7);
        for (int i = 0; i < 300; i++) {
            full.addFacts(events.requestFact(10_000 + i).toBuilder().setClientId("c" + i).setTraceId("t" + i)
                    .putAttributes("region", "r" + i).putAttributes("tier", "gold"));
        }
        // This run: fewer facts, optional fields left out, every third a repeat that the dedupe takes out.
        RequestFactRecord.Builder sparse = RequestFactRecord.newBuilder().setSource("web").setIngestedAtMicros(42);
        for (int i = 0; i < 100; i++) {
            sparse.addFacts(events.requestFact(i).toBuilder().clearClientId().clearTraceId().clearAttributes()
                    .setRequestBytes(0).setResponseBytes(0).setStatusCode(i % 2 == 0 ? 0 : 200).setEventId(idOrRepeat(events, i)));
        }
        ServiceEventRecord.Builder fullEvents = ServiceEventRecord.newBuilder().setSource("earlier");
        ServiceEventRecord.Builder sparseEvents = ServiceEventRecord.newBuilder().setSource("ops");
        for (int i = 0; i < 300; i++) {
            fullEvents.addEvents(events.serviceEvent(10_000 + i).toBuilder().setActor("a" + i).setMessage("m" + i).setVersion("v" + i)
                    .putAttributes("k", "v" + i));
        }
        for (int i = 0; i < 100; i++) {
            sparseEvents.addEvents(events.serviceEvent(i).toBuilder().clearActor().clearMessage().clearVersion().clearAttributes()
                    .setKindValue(0).setEventId(idOrRepeat(events, i)));
        }
        assertReuseWritesTheSameFile(Table.REQUEST_FACTS, full.build().toByteArray(), sparse.build().toByteArray());
        assertReuseWritesTheSameFile(Table.SERVICE_EVENTS, fullEvents.build().toByteArray(), sparseEvents.build().toByteArray());
    }

    /** Event {@code i}'s own id, or for every third event the id of the one before it. */
    private static String idOrRepeat(EventFactory events, int i) {
        return events.eventId(i % 3 == 2 ? i - 1 : i);
    }

    private void assertReuseWritesTheSameFile(Table table, byte[] earlier, byte[] record) throws IOException {
        ColumnArrays arrays = new ColumnArrays();
        EventColumns earlierRun = EventColumns.of(table, earlier.length, arrays);
        earlierRun.appendRecord(earlier, 0, earlier.length, 1);
        writeAll(dir.resolve(table + "-earlier.parquet"), earlierRun);
        arrays.release(earlierRun);
        long held = arrays.heldBytes();
        assertThat(held).isGreaterThan(earlier.length);

        SeenIds nothingCommitted = new SeenIds(Duration.ofDays(7), run -> Optional.empty());
        EventColumns reused = EventColumns.of(table, record.length, arrays);
        assertThat(arrays.heldBytes()).as("this run took the earlier run's arrays").isLessThan(held / 10);
        reused.appendRecord(record, 0, record.length, 2);
        assertThat(reused.dropRepeatedIds(nothingCommitted)).isEqualTo(33);
        EventColumns fresh = EventColumns.of(table, record.length);
        fresh.appendRecord(record, 0, record.length, 2);
        assertThat(fresh.dropRepeatedIds(nothingCommitted)).isEqualTo(33);

        Path a = dir.resolve(table + "-fresh.parquet");
        Path b = dir.resolve(table + "-reused.parquet");
        writeAll(a, fresh);
        writeAll(b, reused);
        assertThat(reused.rows()).isEqualTo(fresh.rows()).isEqualTo(67);
        assertThat(Files.readAllBytes(b)).isEqualTo(Files.readAllBytes(a));
    }

    @Test
    void aRecordOutsideTheClaimedArenaIsRefused() {
        EventColumns columns = EventColumns.of(Table.REQUEST_FACTS, 4096);
        int at = columns.claimArena(100);
        assertThatThrownBy(() -> columns.appendRecordAt(at + 50, 51, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not in the arena's claimed bytes");
        assertThatThrownBy(() -> columns.appendRecordAt(0, 5, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bytesThatAreNotARecordAreRefusedNotMisread() {
        byte[] good = RequestFactRecord.newBuilder().addFacts(new EventFactory("m", Clock.fixed(T0, ZoneOffset.UTC), 1)
                .requestFact(1)).setSource("web").build().toByteArray();
        for (int cut = 1; cut < good.length; cut++) {
            byte[] truncated = Arrays.copyOf(good, cut);
            EventColumns columns = EventColumns.of(Table.REQUEST_FACTS, truncated.length);
            boolean protobufRefuses = refuses(truncated);
            if (protobufRefuses) {
                assertThatThrownBy(() -> columns.appendRecord(truncated, 0, truncated.length, 1))
                        .as("cut at %d", cut).isInstanceOf(MalformedRecordException.class);
            }
        }
        byte[] endGroupTag = {0x0c};
        assertThatThrownBy(() -> EventColumns.of(Table.REQUEST_FACTS, 1).appendRecord(endGroupTag, 0, 1, 1))
                .isInstanceOf(MalformedRecordException.class);
        byte[] noTimestamp = RequestFactRecord.newBuilder().addFacts(RequestFact.newBuilder().setEventId("x").setDurationMs(1))
                .build().toByteArray();
        assertThatThrownBy(() -> EventColumns.of(Table.REQUEST_FACTS, 64).appendRecord(noTimestamp, 0, noTimestamp.length, 1))
                .isInstanceOf(MalformedRecordException.class).hasMessageContaining("x has no timestamp");
    }

    private static boolean refuses(byte[] bytes) {
        try {
            RequestFactRecord.parseFrom(bytes);
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static void writeAll(Path file, EventColumns columns) throws IOException {
        columns.seal();
        int[] rows = new int[columns.rows()];
        Arrays.setAll(rows, i -> i);
        ParquetEventWriter.writeFile(file, columns, rows, 0, rows.length, java.util.Map.of());
    }

    /** A valid fact's bytes with protobuf-legal oddities appended: repeats, unknowns, wrong wire types, map repeats. */
    private static byte[] perturbedRequestFact(RequestFact fact, SplittableRandom random) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        if (random.nextInt(4) == 0) {
            out.writeString(99, "unknown before the known fields");
        }
        out.flush();
        fact.writeTo(bytes);
        out = CodedOutputStream.newInstance(bytes);
        for (int n = random.nextInt(6); n > 0; n--) {
            switch (random.nextInt(11)) {
                case 0 -> out.writeString(3, "svc-" + random.nextInt(3)); // service repeated: last wins
                case 1 -> out.writeUInt32(7, 200 + random.nextInt(300)); // status_code repeated
                case 2 -> out.writeByteArray(7, new byte[] {1, 2}); // status_code with a wire type protobuf skips
                case 3 -> out.writeMessage(2, com.google.protobuf.Timestamp.newBuilder().setNanos(123_456_789).build()); // merges
                case 4 -> out.writeByteArray(13, mapEntry("region", "eu-" + random.nextInt(3))); // repeated key: last value wins
                case 5 -> out.writeByteArray(13, mapEntryWithoutValue("flag")); // missing value: empty string
                case 6 -> {
                    out.writeTag(50, WireFormat.WIRETYPE_START_GROUP); // an unknown group, nested
                    out.writeUInt64(1, 5);
                    out.writeTag(51, WireFormat.WIRETYPE_START_GROUP);
                    out.writeTag(51, WireFormat.WIRETYPE_END_GROUP);
                    out.writeTag(50, WireFormat.WIRETYPE_END_GROUP);
                }
                case 7 -> out.writeFixed64(60, random.nextLong());
                case 8 -> out.writeString(12, ""); // trace_id repeated, empty: null in the lake
                case 9 -> out.writeUInt64(9, -1L); // request_bytes 2^64-1: saturated
                default -> out.writeDouble(8, random.nextDouble() * 1000); // duration repeated
            }
        }
        out.flush();
        return bytes.toByteArray();
    }

    private static byte[] mapEntry(String key, String value) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(b);
        out.writeString(2, value); // value before key: order inside an entry does not matter
        out.writeString(1, key);
        out.writeUInt32(3, 1); // unknown inside the entry
        out.flush();
        return b.toByteArray();
    }

    private static byte[] mapEntryWithoutValue(String key) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(b);
        out.writeString(1, key);
        out.flush();
        return b.toByteArray();
    }
}

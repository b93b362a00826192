package io.gravix.dlq;

import io.gravix.api.spool.v1.RequestFactRecord;
import io.gravix.api.spool.v1.ServiceEventRecord;
import io.gravix.index.BatchIndex;
import io.gravix.spool.Spool;
import io.gravix.spool.SpoolConfig;
import io.gravix.spool.SpoolFile;
import io.gravix.spool.SpoolFileScanner;
import io.gravix.spool.Table;
import io.gravix.testing.TestEvents;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * A running spool, its index and a dead-letter queue in one temporary data directory,
 * and real spool files to damage: each written by {@link Spool#importSealedBatch}, then
 * corrupted on disk and quarantined the way the rollup does it.
 */
final class DlqFixture implements AutoCloseable {
    static final Instant NOW = Instant.parse("2026-11-29T08:00:00Z");
    static final long INGESTED_AT_MICROS = 1_795_900_000_000_000L;
    /** A payload with a valid frame checksum that is no record: protobuf rejects it (field 13, wire type 6). */
    static final byte[] GARBAGE = "not a spool record at all".getBytes(StandardCharsets.US_ASCII);

    final Path dataDir;
    final BatchIndex index;
    final Spool spool;
    final DeadLetterQueue queue;

    DlqFixture(Path dataDir) throws IOException {
        this.dataDir = dataDir;
        this.index = BatchIndex.open(dataDir.resolve("index.db"));
        this.spool = new Spool(dataDir.resolve("spool"), index, new SpoolConfig(), Clock.systemUTC(), new PrometheusRegistry());
        spool.start();
        this.queue = new DeadLetterQueue(dataDir.resolve("dlq"), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    /** A request_facts record payload of {@code events} valid facts with ids {@code <tag>-<i>}. */
    static byte[] facts(String tag, int events) {
        return RequestFactRecord.newBuilder()
                .addAllFacts(TestEvents.requestFacts(tag, events))
                .setSource("tests")
                .setIngestedAtMicros(INGESTED_AT_MICROS)
                .build().toByteArray();
    }

    static byte[] serviceEvents(String tag, int events) {
        return ServiceEventRecord.newBuilder()
                .addAllEvents(TestEvents.serviceEvents(tag, events))
                .setSource("tests")
                .setIngestedAtMicros(INGESTED_AT_MICROS)
                .build().toByteArray();
    }

    /** A real sealed spool file holding {@code payloads}, still in the spool. */
    Path sealedFile(Table table, List<byte[]> payloads) throws IOException {
        long id = spool.importSealedBatch(table, payloads);
        return spool.tableDirectory(table).resolve(SpoolFile.sealedName(id));
    }

    /** Offsets at which each frame of a clean file starts. */
    static List<Long> frameOffsets(Path file) throws IOException {
        List<Long> offsets = new ArrayList<>();
        SpoolFileScanner.scan(file, (offset, buf, at, length) -> offsets.add(offset));
        return offsets;
    }

    /** Flips one bit of the byte at {@code offset}. */
    static void flipByte(Path file, long offset) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        bytes[(int) offset] ^= 0x20;
        Files.write(file, bytes);
    }

    /** Quarantines a sealed file as the rollup does; returns its entry. */
    DeadLetterEntry quarantine(Table table, Path file, String error, long offset) throws IOException {
        String name = queue.quarantine(table, file, error, offset);
        return queue.find(name).orElseThrow();
    }

    @Override
    public void close() throws Exception {
        spool.stop();
        index.close();
    }
}

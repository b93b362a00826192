package io.gravix.rollup;

import io.gravix.api.spool.v1.RequestFactRecord;
import io.gravix.api.v1.RequestFact;
import io.gravix.loadgen.EventFactory;
import io.gravix.rollup.columns.ColumnarParquetWriter;
import io.gravix.rollup.columns.EventColumns;
import io.gravix.rollup.columns.SortedRun;
import io.gravix.spool.Table;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.parquet.io.LocalOutputFile;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The rollup's hot stages on one thread, against the entry points that exist today (this
 * class lives in {@code io.gravix.rollup} in the bench module because {@link SeenIds} and
 * {@link FingerprintMap} are package-private). Scores are <b>events (or lookups) per
 * second</b>:
 * <ul>
 *   <li>{@code dedupeLookup}: {@link SeenIds#contains} against {@code committed} ids
 *       (1,000,000 unless {@code -p committed=N}) in 10 runs, half the lookups hits (answered
 *       from the exact-id cache), half misses;
 *   <li>{@code dedupeLookupInSegments}: the same with a 1 MiB heap budget for fingerprints,
 *       so they are in memory-mapped segment files ({@link FingerprintSegment});
 *   <li>{@code fingerprintLookup}: {@link FingerprintMap#get} alone, same ids;
 *   <li>{@code spoolRecordsToColumns}: {@link EventColumns#appendRecord} of 200 spool record
 *       payloads of 500 request facts each into fresh columns, then {@link EventColumns#seal()}
 *       (the rollup's read step, spool bytes to column vectors);
 *   <li>{@code spoolRecordsToColumnsWithDedupe}: the same, then {@link EventColumns#dropRepeatedIds}
 *       against the ids in segments (the read step with its dedupe);
 *   <li>{@code sortColumnar}: {@link SortedRun#of} over those 100,000 rows (hour, then row order);
 *   <li>{@code parquetEncodeColumnar}: {@code ParquetEventWriter.writeFile} of the 100,000 sorted
 *       rows to one ZSTD file on local disk, close included;
 *   <li>{@code parquetEncodeColumnarParquetMrDictionaries}: the same file with the dictionary-coded
 *       string columns through parquet-mr's own dictionary writer (the way before
 *       {@code DictionaryColumnChunk}; the same bytes), side by side.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RollupStageBenchmark {
    static final int LOOKUPS = 1000;
    static final int ROWS = 100_000;

    /** Committed ids the dedupe benchmarks look up against (a busy week holds tens of millions). */
    @Param({"1000000"})
    public int committed;

    private SeenIds seen;
    private SeenIds seenInSegments;
    private Path segmentDir;
    private FingerprintMap fingerprints;
    private String[] probes;
    private long[] probeFingerprints;
    private List<byte[]> payloads;
    private EventColumns columns;
    private SortedRun sorted;
    private Path dir;

    @Setup(Level.Trial)
    @SuppressWarnings("unchecked")
    public void setUp() throws IOException {
        seen = new SeenIds(Duration.ofDays(7), run -> Optional.empty());
        segmentDir = Files.createTempDirectory("gravix-jmh-seen-ids");
        seenInSegments = new SeenIds(Duration.ofDays(7), SeenIds.DEFAULT_CACHE_BYTES, new SeenIds.Spill(segmentDir, 1 << 20),
                run -> Optional.empty());
        fingerprints = new FingerprintMap();
        long now = System.currentTimeMillis();
        for (int run = 0; run < 10; run++) {
            String[] ids = new String[committed / 10];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = id(run * ids.length + i);
                fingerprints.putIfAbsent(FingerprintMap.fingerprint(ids[i]), run);
            }
            Arrays.sort(ids);
            seen.add(run + 1, now, ids);
            seenInSegments.add(run + 1, now, ids);
        }
        SplittableRandom random = new SplittableRandom(5);
        probes = new String[LOOKUPS];
        probeFingerprints = new long[LOOKUPS];
        for (int i = 0; i < LOOKUPS; i++) {
            probes[i] = i % 2 == 0 ? id(random.nextInt(committed)) : id(committed + random.nextInt(committed));
            probeFingerprints[i] = FingerprintMap.fingerprint(probes[i]);
        }

        EventFactory factory = new EventFactory("bench", Clock.systemUTC(), 42);
        payloads = new ArrayList<>();
        for (int first = 0; first < ROWS; first += 500) {
            RequestFactRecord.Builder record = RequestFactRecord.newBuilder().setSource("bench").setIngestedAtMicros(now * 1000);
            for (int i = first; i < first + 500; i++) {
                record.addFacts(factory.requestFact(i));
            }
            payloads.add(record.build().toByteArray());
        }
        columns = spoolRecordsToColumns();
        sorted = SortedRun.of(columns);
        dir = Files.createTempDirectory("gravix-jmh-parquet");
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        seenInSegments.close();
        Files.delete(segmentDir);
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }

    private static String id(int n) {
        return "lg1ab2cd3-" + n;
    }

    @Benchmark
    @OperationsPerInvocation(LOOKUPS)
    public void dedupeLookup(Blackhole bh) {
        for (String id : probes) {
            bh.consume(seen.contains(id));
        }
    }

    @Benchmark
    @OperationsPerInvocation(LOOKUPS)
    public void dedupeLookupInSegments(Blackhole bh) {
        for (String id : probes) {
            bh.consume(seenInSegments.contains(id));
        }
    }

    @Benchmark
    @OperationsPerInvocation(LOOKUPS)
    public void fingerprintLookup(Blackhole bh) {
        for (long f : probeFingerprints) {
            bh.consume(fingerprints.get(f));
        }
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public EventColumns spoolRecordsToColumns() {
        EventColumns c = EventColumns.of(Table.REQUEST_FACTS, 0);
        long batchId = 1;
        for (byte[] payload : payloads) {
            c.appendRecord(payload, 0, payload.length, batchId++);
        }
        c.seal();
        return c;
    }

    /** As a run reads its batches: decoded, then each id checked against the run's own ids and the committed ones (in segments). */
    @Benchmark
    @OperationsPerInvocation(ROWS)
    public EventColumns spoolRecordsToColumnsWithDedupe() {
        EventColumns c = EventColumns.of(Table.REQUEST_FACTS, 0);
        long batchId = 1;
        for (byte[] payload : payloads) {
            c.appendRecord(payload, 0, payload.length, batchId++);
        }
        c.dropRepeatedIds(seenInSegments);
        c.seal();
        return c;
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public SortedRun sortColumnar() {
        return SortedRun.of(columns);
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public long parquetEncodeColumnar() throws IOException {
        Path file = dir.resolve("bench.parquet");
        Files.deleteIfExists(file);
        ParquetEventWriter.writeFile(file, columns, sorted.rows(), 0, columns.rows(), Map.of());
        return Files.size(file);
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public long parquetEncodeColumnarParquetMrDictionaries() throws IOException {
        Path file = dir.resolve("bench-parquet-mr.parquet");
        Files.deleteIfExists(file);
        try (ZstdCodecFactory codecs = new ZstdCodecFactory(ZstdCodecFactory.DEFAULT_LEVEL)) {
            ColumnarParquetWriter.write(columns, sorted.rows(), 0, columns.rows(), new LocalOutputFile(file), Map.of(), codecs, false);
        }
        return Files.size(file);
    }
}

package io.gravix.rollup;

import io.gravix.api.v1.RequestFact;
import io.gravix.loadgen.EventFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
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
 *   <li>{@code dedupeLookup}: {@link SeenIds#contains} against 1,000,000 committed ids in 10
 *       runs, half the lookups hits (answered from the exact-id cache), half misses;
 *   <li>{@code fingerprintLookup}: {@link FingerprintMap#get} alone, same ids;
 *   <li>{@code sortRowObjects}: {@link RowOrder#REQUEST_FACTS} over 100,000 {@link EventRow}s in
 *       random order (the copy of the array is included);
 *   <li>{@code parquetEncodeRowApi}: {@link ParquetEventWriter} writing 100,000 pre-sorted rows
 *       to one ZSTD file on local disk, close included.
 * </ul>
 * The sort and encode benchmarks measure the object-row path; when the rollup moves to a
 * columnar path, they should be pointed at its entry points (names kept distinct on purpose).
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
    static final int COMMITTED = 1_000_000;

    private SeenIds seen;
    private FingerprintMap fingerprints;
    private String[] probes;
    private long[] probeFingerprints;
    private EventRow<RequestFact>[] shuffled;
    private EventRow<RequestFact>[] sorted;
    private Path dir;

    @Setup(Level.Trial)
    @SuppressWarnings("unchecked")
    public void setUp() throws IOException {
        seen = new SeenIds(Duration.ofDays(7), run -> Optional.empty());
        fingerprints = new FingerprintMap();
        long now = System.currentTimeMillis();
        for (int run = 0; run < 10; run++) {
            String[] ids = new String[COMMITTED / 10];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = id(run * ids.length + i);
                fingerprints.putIfAbsent(FingerprintMap.fingerprint(ids[i]), run);
            }
            Arrays.sort(ids);
            seen.add(run + 1, now, ids);
        }
        SplittableRandom random = new SplittableRandom(5);
        probes = new String[LOOKUPS];
        probeFingerprints = new long[LOOKUPS];
        for (int i = 0; i < LOOKUPS; i++) {
            probes[i] = i % 2 == 0 ? id(random.nextInt(COMMITTED)) : id(COMMITTED + random.nextInt(COMMITTED));
            probeFingerprints[i] = FingerprintMap.fingerprint(probes[i]);
        }

        EventFactory factory = new EventFactory("bench", Clock.systemUTC(), 42);
        shuffled = new EventRow[ROWS];
        for (int i = 0; i < ROWS; i++) {
            shuffled[i] = new EventRow<>(factory.requestFact(i), "bench", now * 1000, 1);
        }
        for (int i = ROWS - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            EventRow<RequestFact> t = shuffled[i];
            shuffled[i] = shuffled[j];
            shuffled[j] = t;
        }
        sorted = shuffled.clone();
        Arrays.sort(sorted, RowOrder.REQUEST_FACTS);
        dir = Files.createTempDirectory("gravix-jmh-parquet");
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
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
    public void fingerprintLookup(Blackhole bh) {
        for (long f : probeFingerprints) {
            bh.consume(fingerprints.get(f));
        }
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public EventRow<RequestFact>[] sortRowObjects() {
        EventRow<RequestFact>[] rows = shuffled.clone();
        Arrays.sort(rows, RowOrder.REQUEST_FACTS);
        return rows;
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public long parquetEncodeRowApi() throws IOException {
        Path file = dir.resolve("bench.parquet");
        Files.deleteIfExists(file);
        try (ParquetEventWriter<RequestFact> writer = ParquetEventWriter.requestFacts(file)) {
            for (EventRow<RequestFact> row : sorted) {
                writer.write(row);
            }
        }
        return Files.size(file);
    }
}

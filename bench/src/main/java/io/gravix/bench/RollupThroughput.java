package io.gravix.bench;

import io.gravix.api.spool.v1.RequestFactRecord;
import io.gravix.api.v1.RequestFact;
import io.gravix.dlq.DeadLetterQueue;
import io.gravix.index.BatchIndex;
import io.gravix.loadgen.EventFactory;
import io.gravix.rollup.CrashPoints;
import io.gravix.rollup.RollupConfig;
import io.gravix.rollup.RollupService;
import io.gravix.spool.Spool;
import io.gravix.spool.SpoolConfig;
import io.gravix.spool.SpoolFile;
import io.gravix.spool.Table;
import io.gravix.store.LocalObjectStore;
import io.gravix.store.ObjectInfo;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Rollup throughput: fills a fresh spool with N realistic request facts (EventFactory,
 * requests of 500, timestamped now), seals it, then times the rollup from its start until
 * everything is in the local store as Parquet. Prints events/s and Parquet bytes per event.
 *
 * <p>{@code java -cp bench/target/benchmarks.jar io.gravix.bench.RollupThroughput [events] [writerThreads] [maxRunMiB] [dir]}
 */
public final class RollupThroughput {
    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int writerThreads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int maxRunMiB = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        Path dir = args.length > 3 ? Path.of(args[3]) : Files.createTempDirectory("gravix-rollup-bench");
        // A server rolls up for days: measure warmed-up code, not the JIT compiling it.
        Result warmup = measure(Files.createTempDirectory(dir, "warmup"), 400_000, writerThreads, maxRunMiB);
        System.out.printf("warm-up: %,d events in %.2f s%n", warmup.events, warmup.seconds);
        Result r = measure(Files.createTempDirectory(dir, "measured"), events, writerThreads, maxRunMiB);
        System.out.printf("rollup of %,d request facts (%,d spool bytes, %.1f B/event), writerThreads=%d, maxRunBytes=%d MiB:%n",
                events, r.spoolBytes, r.spoolBytes / (double) events, writerThreads, maxRunMiB);
        System.out.printf("  %.2f s, %,.0f events/s; %d files, %,d Parquet bytes = %.2f B/event%n",
                r.seconds, events / r.seconds, r.files, r.parquetBytes, r.parquetBytes / (double) events);
    }

    private record Result(int events, long spoolBytes, double seconds, int files, long parquetBytes) {}

    private static Result measure(Path dir, int events, int writerThreads, int maxRunMiB) throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        try (BatchIndex index = BatchIndex.open(dir.resolve("index.db"))) {
            Spool spool = new Spool(dir.resolve("spool"), index, new SpoolConfig(), Clock.systemUTC(), registry);
            spool.start();
            long spoolBytes = fill(spool, events);
            spool.sealAll().get(1, TimeUnit.MINUTES);

            RollupConfig config = new RollupConfig();
            config.setInterval(io.dropwizard.util.Duration.hours(1));
            config.setWriterThreads(writerThreads);
            config.setMaxRunBytes(io.dropwizard.util.DataSize.mebibytes(maxRunMiB));
            LocalObjectStore store = new LocalObjectStore(dir.resolve("lake"));
            RollupService rollup = new RollupService(config, index, spool::tableDirectory, dir.resolve("rollup-work"), store,
                    new DeadLetterQueue(dir.resolve("dlq"), Clock.systemUTC()), Clock.systemUTC(), registry, CrashPoints.NONE);
            System.gc();
            long start = System.nanoTime();
            rollup.start();
            rollup.rollupNow(); // queued behind the runs the start-up tick began; returns when the spool is empty
            double seconds = (System.nanoTime() - start) / 1e9;
            rollup.stop();
            spool.stop();
            List<ObjectInfo> files = store.list("request_facts/");
            return new Result(events, spoolBytes, seconds, files.size(), files.stream().mapToLong(ObjectInfo::size).sum());
        }
    }

    private static long fill(Spool spool, int events) throws Exception {
        EventFactory factory = new EventFactory("bench", Clock.systemUTC(), 42);
        long ingestedAt = System.currentTimeMillis() * 1000;
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        long bytes = 0;
        for (int i = 0; i < events; i += 500) {
            RequestFactRecord.Builder record = RequestFactRecord.newBuilder().setSource("bench").setIngestedAtMicros(ingestedAt);
            for (int j = i; j < Math.min(events, i + 500); j++) {
                RequestFact fact = factory.requestFact(j);
                record.addFacts(fact);
            }
            byte[] frame = SpoolFile.encodeFrame(record.build().toByteArray());
            bytes += frame.length;
            pending.add(spool.append(Table.REQUEST_FACTS, frame, record.getFactsCount()));
            if (pending.size() >= 64) {
                CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0])).get(1, TimeUnit.MINUTES);
                pending.clear();
            }
        }
        CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0])).get(1, TimeUnit.MINUTES);
        return bytes;
    }
}

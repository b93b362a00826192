package io.gravix.bench;

import io.gravix.api.spool.v1.RequestFactRecord;
import io.gravix.api.v1.RequestFact;
import io.gravix.bench.compare.CompareDataset;
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
 * <p>{@code java -cp bench/target/benchmarks.jar io.gravix.bench.RollupThroughput [--seed S --base MILLIS] [events] [writerThreads] [maxRunMiB] [dir]}
 *
 * <p>With {@code --seed} the measured pass rolls up {@code bench/compare.sh}'s shared dataset
 * ({@link CompareDataset}: timestamps over three hours before {@code --base}, 5 % of requests
 * sent twice) instead of events timestamped now, and a last line {@code RESULT key=value ...}
 * gives the figures to the script. A warm-up pass ({@code -DwarmupEvents}, 400,000 unless set)
 * runs first in its own spool and lake, on the same kind of events as the measured pass (with
 * {@code --seed}: the shared dataset's shape with other ids), so the measured runs time
 * compiled code, as in a server that has been rolling up for a while.
 */
public final class RollupThroughput {
    public static void main(String[] args) throws Exception {
        CompareDataset dataset = null;
        CompareDataset warmupDataset = null;
        int warmupEvents = Integer.getInteger("warmupEvents", 400_000);
        if (args.length >= 4 && args[0].equals("--seed") && args[2].equals("--base")) {
            long seed = Long.parseLong(args[1]);
            long base = Long.parseLong(args[3]);
            args = java.util.Arrays.copyOfRange(args, 4, args.length);
            dataset = new CompareDataset("roll", seed, base, args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000);
            // The same shape (duplicates, hours, sizes), other ids: the JIT compiles the paths the measured runs take.
            warmupDataset = new CompareDataset("warm", seed, base, warmupEvents);
        }
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int writerThreads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int maxRunMiB = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        Path dir = args.length > 3 ? Path.of(args[3]) : Files.createTempDirectory("gravix-rollup-bench");
        // A server rolls up for days: measure warmed-up code, not the JIT compiling it.
        // -DwarmupEvents=N: a shorter warm-up for bench/compare.sh --smoke
        Result warmup = measure(Files.createTempDirectory(dir, "warmup"), warmupEvents, writerThreads, maxRunMiB, warmupDataset);
        System.out.printf("warm-up: %,d events in %.2f s%n", warmup.events, warmup.seconds);
        Result r = measure(Files.createTempDirectory(dir, "measured"), events, writerThreads, maxRunMiB, dataset);
        System.out.printf("rollup of %,d request facts (%,d spool bytes, %.1f B/event), writerThreads=%d, maxRunBytes=%d MiB:%n",
                events, r.spoolBytes, r.spoolBytes / (double) events, writerThreads, maxRunMiB);
        System.out.printf("  %.2f s, %,.0f events/s; %d files, %,d Parquet bytes = %.2f B/event%n",
                r.seconds, events / r.seconds, r.files, r.parquetBytes, r.parquetBytes / (double) events);
        if (dataset != null) {
            System.out.printf("RESULT events_per_s=%.0f seconds=%.2f sent=%d rows=%.0f duplicates=%.0f files=%d parquet_bytes=%d bytes_per_event=%.2f%n",
                    r.sent / r.seconds, r.seconds, r.sent, r.rows, r.duplicates, r.files, r.parquetBytes, r.parquetBytes / r.rows);
        }
    }

    /** {@code sent}: events in the spool, duplicates included; {@code rows}: events written to the lake. */
    private record Result(int events, long sent, long spoolBytes, double seconds, int files, long parquetBytes, double rows, double duplicates) {}

    private static Result measure(Path dir, int events, int writerThreads, int maxRunMiB, CompareDataset dataset) throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        try (BatchIndex index = BatchIndex.open(dir.resolve("index.db"))) {
            Spool spool = new Spool(dir.resolve("spool"), index, new SpoolConfig(), Clock.systemUTC(), registry);
            spool.start();
            long[] sent = {events};
            long spoolBytes = dataset == null ? fill(spool, events) : fill(spool, dataset, events, sent);
            spool.sealAll().get(1, TimeUnit.MINUTES);

            RollupConfig config = new RollupConfig();
            config.setInterval(io.dropwizard.util.Duration.hours(1));
            config.setWriterThreads(writerThreads);
            config.setMaxRunBytes(io.dropwizard.util.DataSize.mebibytes(maxRunMiB));
            LocalObjectStore store = new LocalObjectStore(dir.resolve("lake"));
            RollupService rollup = new RollupService(config, index, spool::tableDirectory, dir.resolve("rollup-work"), store,
                    new DeadLetterQueue(dir.resolve("dlq"), Clock.systemUTC()), Clock.systemUTC(), registry, CrashPoints.NONE);
            System.gc();
            CpuTimes cpu = CpuTimes.now();
            long start = System.nanoTime();
            rollup.start();
            rollup.rollupNow(); // queued behind the runs the start-up tick began; returns when the spool is empty
            double seconds = (System.nanoTime() - start) / 1e9;
            // Where the cores went: a run's sequential phases leave one idle, GC threads take their share.
            System.out.printf("  cpu over %.2f s: %s%n", seconds, cpu.since());
            rollup.stop();
            spool.stop();
            List<ObjectInfo> files = store.list("request_facts/");
            return new Result(events, sent[0], spoolBytes, seconds, files.size(), files.stream().mapToLong(ObjectInfo::size).sum(),
                    counter(registry, "rollup_events"), counter(registry, "rollup_duplicates"));
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

    /** The shared dataset in its send order: requests of 500, 5 % of them sent twice. */
    private static long fill(Spool spool, CompareDataset dataset, int events, long[] sent) throws Exception {
        long ingestedAt = System.currentTimeMillis() * 1000;
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        long bytes = 0;
        long requests = CompareDataset.positions((events + 499) / 500);
        sent[0] = 0;
        for (long p = 0; p < requests; p++) {
            long request = CompareDataset.sentOrder(p);
            int count = (int) Math.min(500, events - request * 500);
            RequestFactRecord.Builder record = RequestFactRecord.newBuilder().setSource("bench").setIngestedAtMicros(ingestedAt);
            record.addAllFacts(java.util.Arrays.asList(dataset.facts(request * 500, count)));
            byte[] frame = SpoolFile.encodeFrame(record.build().toByteArray());
            bytes += frame.length;
            sent[0] += count;
            pending.add(spool.append(Table.REQUEST_FACTS, frame, count));
            if (pending.size() >= 64) {
                CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0])).get(1, TimeUnit.MINUTES);
                pending.clear();
            }
        }
        CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0])).get(1, TimeUnit.MINUTES);
        return bytes;
    }

    private static double counter(PrometheusRegistry registry, String name) {
        double sum = 0;
        for (io.prometheus.metrics.model.snapshots.MetricSnapshot m : registry.scrape()) {
            String n = m.getMetadata().getName();
            if ((n.equals(name) || n.equals(name + "_total")) && m instanceof io.prometheus.metrics.model.snapshots.CounterSnapshot c) {
                for (io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot d : c.getDataPoints()) {
                    sum += d.getValue();
                }
            }
        }
        return sum;
    }
}

package io.gravix.spool;

import static java.util.Objects.requireNonNull;

import io.dropwizard.lifecycle.Managed;
import io.gravix.index.BacklogStats;
import io.gravix.index.BatchIndex;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable log: one {@link SpoolWriter} per table under {@code <spool dir>/<table>/},
 * admission control (backpressure) in front of them, recovery before them.
 *
 * <p>Lifecycle (a Dropwizard {@link Managed}): {@link #start()} runs
 * {@link SpoolRecovery} on every table directory, then starts the writers and
 * the monitor that samples free disk space and the sealed backlog once a
 * second. {@link #stop()} runs after Jetty has stopped taking requests: each
 * writer fsyncs what it has queued, seals, and ends.
 */
public final class Spool implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(Spool.class);

    private final Path directory;
    private final BatchIndex index;
    private final SpoolConfig config;
    private final Clock clock;
    private final SpoolMetrics metrics;
    private final Map<Table, SpoolWriter> writers = new EnumMap<>(Table.class);
    private final AtomicReference<BacklogStats> backlog = new AtomicReference<>(BacklogStats.EMPTY);
    private final ScheduledExecutorService monitor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "spool-monitor");
        t.setDaemon(true);
        return t;
    });
    private volatile long diskFreeBytes = Long.MAX_VALUE;
    private volatile boolean shuttingDown;
    private volatile boolean started;

    public Spool(Path directory, BatchIndex index, SpoolConfig config, Clock clock, PrometheusRegistry registry) {
        this.directory = requireNonNull(directory, "directory is null");
        this.index = requireNonNull(index, "index is null");
        this.config = requireNonNull(config, "config is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.metrics = new SpoolMetrics(registry, () -> backlog.get().batches(), () -> backlog.get().bytes(), () -> diskFreeBytes);
    }

    @Override
    public void start() throws IOException {
        SpoolRecovery recovery = new SpoolRecovery(index, clock, config.getFlushMaxBytes().toBytes(), SpoolStorage.PRODUCTION);
        for (Table table : Table.values()) {
            Path dir = tableDirectory(table);
            Files.createDirectories(dir);
            recovery.recover(table, dir);
        }
        sample();
        for (Table table : Table.values()) {
            SpoolWriter writer = new SpoolWriter(table, tableDirectory(table), index, config, clock, metrics, this::refreshBacklog);
            writers.put(table, writer);
            writer.start();
        }
        monitor.scheduleWithFixedDelay(this::sample, 1, 1, TimeUnit.SECONDS);
        started = true;
    }

    /** Refuses new requests from now on; in-flight ones still complete. Called when the server begins to stop. */
    public void beginShutdown() {
        shuttingDown = true;
    }

    @Override
    public void stop() throws InterruptedException {
        shuttingDown = true;
        for (SpoolWriter writer : writers.values()) {
            writer.stop();
        }
        monitor.shutdownNow();
        started = false;
    }

    public Path tableDirectory(Table table) {
        return directory.resolve(table.tableName());
    }

    /**
     * Throws {@link SpoolUnavailableException} if a request of {@code bytes} must
     * be refused now: shutting down, a failed writer, free disk under its floor,
     * or the sealed backlog over its limits.
     */
    public void checkAdmission(Table table, long bytes) {
        if (shuttingDown || !started) {
            throw new SpoolUnavailableException(SpoolUnavailableException.Reason.SHUTTING_DOWN, "Gravix is shutting down");
        }
        SpoolWriter writer = writers.get(table);
        if (!writer.isHealthy()) {
            throw new SpoolUnavailableException(SpoolUnavailableException.Reason.FAILED,
                    "spool is unavailable after a write failure; the operator must restart Gravix");
        }
        String disk = diskProblem(bytes);
        if (disk != null) {
            throw new SpoolUnavailableException(SpoolUnavailableException.Reason.BACKPRESSURE, disk);
        }
        String backlogOver = backlogProblem();
        if (backlogOver != null) {
            throw new SpoolUnavailableException(SpoolUnavailableException.Reason.BACKPRESSURE, backlogOver);
        }
    }

    /** Null when {@code bytes} more fit above the free-space floor, else why not (from the last sample, taken once a second). */
    public String diskProblem(long bytes) {
        if (diskFreeBytes - bytes < config.getMinFreeDisk().toBytes()) {
            return "spool disk free space is below its floor (spool.minFreeDisk = " + config.getMinFreeDisk() + ")";
        }
        return null;
    }

    /** Null while the sealed backlog waiting for rollup is within its limits, else which limit it is over. */
    public String backlogProblem() {
        BacklogStats b = backlog.get();
        if (b.bytes() > config.getMaxSealedBytes().toBytes()) {
            return "sealed backlog waiting for rollup is over its limit (spool.maxSealedBytes = " + config.getMaxSealedBytes() + ")";
        }
        if (b.batches() > config.getMaxSealedBatches()) {
            return "sealed backlog waiting for rollup is over its limit (spool.maxSealedBatches = " + config.getMaxSealedBatches() + ")";
        }
        return null;
    }

    /** The longest time queued work has waited on one writer without progress (0 when all keep up). */
    public long writerStalledMillis() {
        long worst = 0;
        for (SpoolWriter writer : writers.values()) {
            worst = Math.max(worst, writer.stalledMillis());
        }
        return worst;
    }

    /** Null unless a writer failed (a write, fsync or seal error: only a restart recovers), else which and why. */
    public String failedProblem() {
        for (Map.Entry<Table, SpoolWriter> e : writers.entrySet()) {
            if (!e.getValue().isHealthy() && started) {
                Exception f = e.getValue().failure();
                return "spool writer for " + e.getKey() + " failed" + (f == null ? "" : ": " + f) + "; restart Gravix";
            }
        }
        return null;
    }

    /**
     * Announces a request that passed admission and will append a frame soon, so
     * the writer can hold an fsync for it (group commit). Every call must be
     * followed by exactly one {@link #appendExpected} or {@link #abandonExpected}.
     */
    public void expectFrame(Table table) {
        writers.get(table).expectFrame();
    }

    /** The announced request failed before appending. */
    public void abandonExpected(Table table) {
        writers.get(table).abandonExpected();
    }

    /**
     * Appends one frame holding {@code events} events for an announced request;
     * the future completes after the fsync that covers it.
     */
    public CompletableFuture<Void> appendExpected(Table table, byte[] frame, int events) {
        return writers.get(table).appendExpected(frame, events);
    }

    /** Appends one frame holding {@code events} events; the future completes after the fsync that covers it. */
    public CompletableFuture<Void> append(Table table, byte[] frame, int events) {
        return writers.get(table).append(frame, events);
    }

    /** Seals every table's open file; completes when all seals are recorded and {@link #backlog()} counts them. */
    public CompletableFuture<Void> sealAll() {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (SpoolWriter writer : writers.values()) {
            all.add(writer.sealNow());
        }
        return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).thenRun(this::refreshBacklog);
    }

    /**
     * Writes {@code framePayloads} (frame payloads: records of {@code table}) as one new
     * sealed batch beside the writer's files and returns its id; the rollup takes it
     * like any other. Crash-safe like a seal (see {@link SealedBatchWriter}).
     *
     * @throws IllegalArgumentException when there is no payload, or one is empty or too large
     * @throws IllegalStateException when the spool is not running (recovery may be scanning the directory)
     */
    public long importSealedBatch(Table table, List<byte[]> framePayloads) throws IOException {
        if (!started) {
            throw new IllegalStateException("spool is not running");
        }
        long batchId = SealedBatchWriter.write(table, tableDirectory(table), index, clock, framePayloads);
        refreshBacklog();
        return batchId;
    }

    /** Null when every writer can write, else why not. */
    public String unwritableReason() {
        if (!started) {
            return "spool not started";
        }
        for (Map.Entry<Table, SpoolWriter> e : writers.entrySet()) {
            if (!e.getValue().isHealthy()) {
                Exception f = e.getValue().failure();
                return "spool writer for " + e.getKey() + " failed" + (f == null ? "" : ": " + f);
            }
        }
        if (!Files.isWritable(directory)) {
            return "spool directory is not writable";
        }
        return null;
    }

    public boolean isShuttingDown() {
        return shuttingDown;
    }

    public BacklogStats backlog() {
        return backlog.get();
    }

    public long diskFreeBytes() {
        return diskFreeBytes;
    }

    public SpoolConfig config() {
        return config;
    }

    /**
     * Reads the sealed backlog from the index now instead of at the next one-second sample:
     * after a rollup took batches, so /metrics, the console and admission see it at once.
     */
    public void refreshBacklog() {
        try {
            backlog.set(index.sealedBacklog());
        } catch (RuntimeException e) {
            LOG.warn("cannot read the sealed backlog from the index", e);
        }
    }

    private void sample() {
        try {
            FileStore store = Files.getFileStore(directory);
            diskFreeBytes = store.getUsableSpace();
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot read free space of {}", directory, e);
        }
        refreshBacklog();
    }
}

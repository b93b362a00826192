package io.gravix.rollup;

import static java.util.Objects.requireNonNull;

import io.dropwizard.lifecycle.Managed;
import io.gravix.dlq.DeadLetterQueue;
import io.gravix.index.BacklogStats;
import io.gravix.index.BatchIndex;
import io.gravix.spool.Table;
import io.gravix.store.ObjectStore;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rollup scheduler (a Dropwizard {@link Managed}). One thread runs every rollup, so
 * runs never overlap: each second it checks the sealed backlog and rolls up every table
 * until nothing sealed is left when the interval has passed since the last rollup, when
 * the backlog passed its threshold, and at once after a start that finds a run planned
 * before a crash (which is re-executed before anything new is planned). {@link #rollupNow()} (the {@code rollup-now} task) queues a
 * rollup on the same thread and waits for it.
 *
 * <p>A failed run (store unreachable, disk full) is logged and counted; it stays planned
 * and is re-executed with the same keys one interval later.
 */
public final class RollupService implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(RollupService.class);

    private final RollupConfig config;
    private final BatchIndex index;
    private final Path workDirectory;
    private final Clock clock;
    private final RollupMetrics metrics;
    private final List<TableRollup<?>> tables = new ArrayList<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(named("rollup"));
    private final ExecutorService writers;
    private volatile long nextDueMillis;
    private volatile boolean stopping;

    /**
     * @param spoolDirectories each table's spool directory
     * @param workDirectory where Parquet files are written before they are put
     */
    public RollupService(RollupConfig config, BatchIndex index, Function<Table, Path> spoolDirectories, Path workDirectory,
                         ObjectStore store, DeadLetterQueue deadLetters, Clock clock, PrometheusRegistry registry,
                         CrashPoints crashPoints) {
        this.config = requireNonNull(config, "config is null");
        this.index = requireNonNull(index, "index is null");
        this.workDirectory = requireNonNull(workDirectory, "workDirectory is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.metrics = new RollupMetrics(registry, this::lagSeconds);
        this.writers = Executors.newFixedThreadPool(config.getWriterThreads(), named("rollup-writer"));
        for (Table table : Table.values()) {
            TableRollup.Context ctx = new TableRollup.Context(index.rollupLedger(), spoolDirectories.apply(table), workDirectory,
                    store, deadLetters, writers, metrics, config, clock, crashPoints);
            tables.add(new TableRollup<>(LakeTable.of(table), ctx));
        }
    }

    @Override
    public void start() throws IOException {
        Files.createDirectories(workDirectory);
        try (Stream<Path> leftovers = Files.list(workDirectory)) {
            for (Path p : leftovers.toList()) {
                Files.deleteIfExists(p); // half-written Parquet files of a run that will be re-executed
            }
        }
        boolean resume = false;
        for (TableRollup<?> table : tables) {
            table.start();
            resume |= table.hasPendingRun();
        }
        // A run planned before a crash is finished at once; otherwise the first rollup comes after one interval.
        nextDueMillis = resume ? clock.millis() : clock.millis() + config.getInterval().toMilliseconds();
        scheduler.scheduleWithFixedDelay(this::tick, 0, 1, TimeUnit.SECONDS);
    }

    @Override
    public void stop() throws InterruptedException {
        stopping = true;
        scheduler.shutdown();
        if (!scheduler.awaitTermination(30, TimeUnit.SECONDS)) {
            LOG.warn("rollup: a run did not finish within 30 s of shutdown; it is re-executed at the next start");
            scheduler.shutdownNow();
        }
        writers.shutdownNow();
    }

    /** The last committed runs of all tables, newest first (for the operator console). */
    public List<RecentRun> recentRuns() {
        return metrics.recentRuns.newestFirst();
    }

    /** Rolls up everything sealed now, on the rollup thread, and returns what each run did. */
    public List<RunSummary> rollupNow() throws IOException, InterruptedException {
        try {
            return scheduler.submit(this::rollupAll).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(e.getCause());
        }
    }

    private void tick() {
        try {
            BacklogStats backlog = index.sealedBacklog();
            boolean due = clock.millis() >= nextDueMillis || backlog.bytes() >= config.getBacklogThreshold().toBytes();
            if (backlog.batches() > 0 && due) {
                rollupAll();
            }
        } catch (IOException | RuntimeException e) {
            // A failed run is logged and counted in rollupAll; anything else (the index) is logged here.
            if (!(e instanceof RollupFailure)) {
                LOG.error("rollup scheduler: cannot check the sealed backlog", e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            // Never let an Error escape: the scheduled executor would silently stop calling tick.
            metrics.runs.labelValues("failure").inc();
            LOG.error("rollup failed unexpectedly; retried in {}", config.getInterval(), t);
        }
    }

    private List<RunSummary> rollupAll() throws IOException, InterruptedException {
        nextDueMillis = clock.millis() + config.getInterval().toMilliseconds();
        // Only what is sealed now: a table under constant load must not keep the other waiting.
        long maxBatchId = index.rollupLedger().highestBatchId();
        List<RunSummary> runs = new ArrayList<>();
        for (TableRollup<?> table : tables) {
            boolean first = true;
            while (!stopping) {
                Optional<RunSummary> run;
                try {
                    if (first) {
                        table.deleteRolledUpSpoolFiles(); // once per rollup: it reads the whole spool directory
                        first = false;
                    }
                    run = table.runOnce(maxBatchId);
                } catch (IOException | RuntimeException e) {
                    metrics.runs.labelValues("failure").inc();
                    LOG.error("rollup of {} failed; its planned run is re-executed in {}", table.name(), config.getInterval(), e);
                    throw new RollupFailure(table.name(), e);
                }
                if (run.isEmpty()) {
                    break;
                }
                runs.add(run.get());
                metrics.runs.labelValues("success").inc();
                metrics.lastSuccess.set(clock.millis() / 1000.0);
            }
        }
        return runs;
    }

    /** A run failed; already logged and counted. */
    static final class RollupFailure extends IOException {
        RollupFailure(String table, Exception cause) {
            super("rollup of " + table + " failed: " + cause.getMessage(), cause);
        }
    }

    private double lagSeconds() {
        BacklogStats b = index.sealedBacklog();
        return b.batches() == 0 ? 0 : Math.max(0, clock.millis() - b.oldestSealedAtMillis()) / 1000.0;
    }

    private static java.util.concurrent.ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}

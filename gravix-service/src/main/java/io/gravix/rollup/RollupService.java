package io.gravix.rollup;

import static java.util.Objects.requireNonNull;

import io.dropwizard.lifecycle.Managed;
import io.gravix.dlq.DeadLetterQueue;
import io.gravix.index.BacklogStats;
import io.gravix.index.BatchIndex;
import io.gravix.index.BatchRecord;
import io.gravix.index.BatchState;
import io.gravix.rollup.columns.ColumnArrays;
import io.gravix.spool.Table;
import io.gravix.store.ObjectStore;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
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
 * <p>A failed run (store unreachable, disk full) is logged, counted and recorded in
 * {@link RollupStatus}; it stays planned and is re-executed with the same keys after a
 * {@link Backoff} (the interval doubled per consecutive failure, at most
 * {@code rollup.maxBackoff}) — or at once when the cause is gone: each second during the
 * wait the scheduler asks the store (after a failure while the store failed its own
 * check too) or the disk (after a lack of room) whether it is back. A run that ran out of heap is shrunk (its newest half of
 * batches goes back to waiting) before it is retried, so it is never retried unchanged.
 *
 * <p>Before anything runs, {@link #start()} refuses a lake that holds runs of this
 * instance beyond what the index ever planned (a restored backup or a copied data
 * directory), unless {@code rollup.acceptLakeAheadOfIndex} says to skip past them.
 */
public final class RollupService implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(RollupService.class);

    private final RollupConfig config;
    private final BatchIndex index;
    private final Path workDirectory;
    /** Beside the work directory: one directory per table for the seen-id index's segment files. */
    static final String SEEN_IDS_DIRECTORY = "seen-ids";
    private final ObjectStore store;
    private final Clock clock;
    private final RollupMetrics metrics;
    private final RollupStatus status = new RollupStatus();
    private final Backoff backoff;
    private final InstanceFence fence;
    private final WorkDisk workDisk;
    private final List<TableRollup> tables = new ArrayList<>();
    /** The last run's column arrays, which the next run of either table decodes into (rollup thread only). */
    private final ColumnArrays columnArrays = new ColumnArrays();
    /** When the last rollup ran a run; after {@link #IDLE_INTERVALS} intervals without one the run arrays go back to the heap. */
    private long lastRunMillis;
    static final int IDLE_INTERVALS = 3;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(named("rollup"));
    private final ExecutorService writers;
    private volatile long nextDueMillis;
    private volatile boolean stopping;
    /** The file bytes the last run that failed for want of disk needed room for; used on the rollup thread only. */
    private long diskNeeded;
    /**
     * Whether the store failed its own check when the last run failed on it; only then does
     * a passing check mean the cause is gone (a put refused for one key says nothing about
     * the check). Rollup thread only.
     */
    private boolean storeDownAtFailure;

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
        this.store = requireNonNull(store, "store is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.metrics = new RollupMetrics(registry, this::lagSeconds, status);
        this.backoff = new Backoff(config.getInterval().toMilliseconds(), config.getMaxBackoff().toMilliseconds(),
                Math::random);
        this.fence = new InstanceFence(store, index.instanceId(), workDirectory, clock);
        this.workDisk = new WorkDisk(workDirectory, () -> config.getMinFreeDisk().toBytes());
        this.writers = Executors.newFixedThreadPool(config.getWriterThreads(), named("rollup-writer"));
        for (Table table : Table.values()) {
            TableRollup.Context ctx = new TableRollup.Context(index.rollupLedger(), spoolDirectories.apply(table), workDirectory,
                    workDirectory.resolveSibling(SEEN_IDS_DIRECTORY).resolve(table.tableName()),
                    store, deadLetters, writers, metrics, config, clock, crashPoints, fence, workDisk, columnArrays);
            tables.add(new TableRollup(LakeTable.of(table), ctx));
        }
    }

    /** How the rollup is doing: failure streak, last error, next attempt. */
    public RollupStatus status() {
        return status;
    }

    /** The instance id in this rollup's lake keys. */
    public String instanceId() {
        return fence.instance();
    }

    @Override
    public void start() throws IOException {
        Files.createDirectories(workDirectory);
        try (Stream<Path> leftovers = Files.list(workDirectory)) {
            for (Path p : leftovers.toList()) {
                Files.deleteIfExists(p); // half-written Parquet files of a run that will be re-executed
            }
        }
        checkLakeIsNotAheadOfIndex();
        boolean resume = false;
        for (TableRollup table : tables) {
            table.start();
            resume |= table.hasPendingRun();
        }
        // A run planned before a crash is finished at once; otherwise the first rollup comes after one interval.
        nextDueMillis = resume ? clock.millis() : clock.millis() + config.getInterval().toMilliseconds();
        scheduler.scheduleWithFixedDelay(this::tick, 0, 1, TimeUnit.SECONDS);
    }

    /**
     * A lake holding runs of this instance beyond every run this index planned means the
     * index is older than the lake: new runs would reuse those run ids and replace
     * committed files. Refused, unless the operator accepts it: then planned runs are
     * abandoned (their batches are planned again) and run ids continue past the lake's.
     * A store that does not answer now is no reason to refuse start: every run claims its
     * id in the lake before its first put ({@link InstanceFence#claim}).
     */
    private void checkLakeIsNotAheadOfIndex() {
        OptionalLong lakeRun;
        try {
            lakeRun = fence.highestRunInLake();
        } catch (IOException e) {
            LOG.warn("rollup: cannot read this instance's record in the lake now ({}); every run checks it before its first put",
                    e.getMessage());
            return;
        }
        long indexRun = index.rollupLedger().highestRunId();
        if (lakeRun.isEmpty() || lakeRun.getAsLong() <= indexRun) {
            LOG.info("rollup: instance {}, highest run {} (the lake records {})", fence.instance(), indexRun,
                    lakeRun.isEmpty() ? "none" : lakeRun.getAsLong());
            return;
        }
        String problem = "the lake holds run " + lakeRun.getAsLong() + " of instance " + fence.instance()
                + " but this index (" + index.file() + ") has planned only up to run " + indexRun
                + ": it is older than the lake (restored from a backup, or a copy of the data directory runs elsewhere)";
        if (!config.isAcceptLakeAheadOfIndex()) {
            throw new IllegalStateException(problem + ". Starting would replace committed lake files. If no other copy runs and"
                    + " you accept that events of the lost runs may be stored again, set rollup.acceptLakeAheadOfIndex: true"
                    + " (GRAVIX_ACCEPT_LAKE_AHEAD_OF_INDEX=true) once; see RUNBOOK.md, 'Instance conflict'");
        }
        LOG.warn("rollup: {}; accepted by rollup.acceptLakeAheadOfIndex: planned runs are abandoned and run ids continue after {}",
                problem, lakeRun.getAsLong());
        index.rollupLedger().skipRunIdsThrough(lakeRun.getAsLong());
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

    /**
     * Rolls up everything sealed now, on the rollup thread, and returns what each run did;
     * an operator's call, so it does not wait for a backoff.
     *
     * @throws RollupFailure when a run failed, with what made it fail
     */
    public List<RunSummary> rollupNow() throws IOException, InterruptedException {
        return onRollupThread(this::rollupAll);
    }

    /** Heap the last run's column arrays hold for the next run (for tests). */
    long heldRunArrayBytes() throws IOException, InterruptedException {
        return onRollupThread(columnArrays::heldBytes);
    }

    /** Runs {@code work} on the rollup thread (so never beside a run) and waits for it, rethrowing what it threw. */
    private <T> T onRollupThread(Callable<T> work) throws IOException, InterruptedException {
        try {
            return scheduler.submit(work).get();
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

    /**
     * Takes sealed batch {@code batchId} out of its run, to the dead-letter queue (the
     * {@code rollup-drop-batch} task), on the rollup thread so no run is executing; a
     * failed run is retried at once.
     *
     * @return the dead-letter entry; empty when the batch's spool file was missing
     * @throws IllegalArgumentException when no sealed batch has that id
     */
    public Optional<String> dropBatch(long batchId) throws IOException, InterruptedException {
        return onRollupThread(() -> {
            BatchRecord batch = index.find(batchId).filter(b -> b.state() == BatchState.SEALED)
                    .orElseThrow(() -> new IllegalArgumentException("no sealed batch " + batchId));
            TableRollup table = tables.stream().filter(t -> t.name().equals(batch.table())).findFirst().orElseThrow();
            Optional<String> entry = table.dropBatch(batch);
            status.retryNow(clock.millis());
            return entry;
        });
    }

    private void tick() {
        try {
            if (isDue()) {
                rollupAll();
            } else {
                releaseArraysWhenIdle();
            }
        } catch (RollupFailure e) {
            // logged, counted and recorded in rollupAll
        } catch (IOException | RuntimeException e) {
            LOG.error("rollup scheduler: cannot check the sealed backlog", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            // Never let an Error escape: the scheduled executor would silently stop calling tick.
            metrics.runs.labelValues("failure").inc();
            LOG.error("rollup failed unexpectedly; retried in {}", config.getInterval(), t);
        }
    }

    /** A quiet rollup gives its run arrays back: they are kept only while runs come one after another. */
    private void releaseArraysWhenIdle() {
        if (clock.millis() - lastRunMillis > IDLE_INTERVALS * config.getInterval().toMilliseconds()) {
            columnArrays.clear();
        }
    }

    /** Whether a rollup should run now: after a failure, when its backoff passed or its cause is gone; else by schedule. */
    private boolean isDue() {
        long now = clock.millis();
        RollupStatus.Snapshot s = status.snapshot();
        if (s.failing()) {
            if (now >= s.nextAttemptAtMillis()) {
                return true;
            }
            if (causeIsGone(s.lastFailureKind().orElseThrow())) {
                LOG.info("rollup: the cause of the last failure is gone; retrying now instead of at the end of the backoff");
                status.retryNow(now);
                return true;
            }
            return false;
        }
        BacklogStats backlog = index.sealedBacklog();
        boolean due = now >= nextDueMillis || backlog.bytes() >= config.getBacklogThreshold().toBytes();
        return backlog.batches() > 0 && due;
    }

    private boolean causeIsGone(RollupStatus.FailureKind kind) {
        return switch (kind) {
            case STORE -> storeDownAtFailure && storeAnswers();
            case DISK -> workDisk.hasRoomFor(diskNeeded);
            default -> false;
        };
    }

    private boolean storeAnswers() {
        try {
            store.verify();
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private List<RunSummary> rollupAll() throws IOException, InterruptedException {
        nextDueMillis = clock.millis() + config.getInterval().toMilliseconds();
        // Only what is sealed now: a table under constant load must not keep the other waiting.
        long maxBatchId = index.rollupLedger().highestBatchId();
        List<RunSummary> runs = new ArrayList<>();
        for (TableRollup table : tables) {
            boolean first = true;
            while (!stopping) {
                Optional<RunSummary> run;
                try {
                    if (first) {
                        table.deleteRolledUpSpoolFiles(); // once per rollup: it reads the whole spool directory
                        first = false;
                    }
                    run = table.runOnce(maxBatchId, effectiveMaxRunBytes());
                } catch (Exception | OutOfMemoryError e) {
                    throw failed(table, e);
                }
                if (run.isEmpty()) {
                    break;
                }
                runs.add(run.get());
                lastRunMillis = clock.millis();
                metrics.runs.labelValues("success").inc();
                metrics.lastSuccess.set(clock.millis() / 1000.0);
                status.succeeded(clock.millis());
            }
        }
        return runs;
    }

    /** Records a failed run (and shrinks it if it ran out of heap); returns what to throw. */
    private RollupFailure failed(TableRollup table, Throwable e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        RollupStatus.FailureKind kind = RollupFailure.kindOf(e);
        if (e instanceof WorkDisk.NotEnoughDiskException disk) {
            diskNeeded = disk.spoolBytes();
        } else if (kind == RollupStatus.FailureKind.DISK) {
            diskNeeded = effectiveMaxRunBytes(); // a write hit a full disk: wait for room for a whole run
        }
        if (kind == RollupStatus.FailureKind.STORE) {
            storeDownAtFailure = !storeAnswers();
        }
        String shrunk = "";
        if (kind == RollupStatus.FailureKind.MEMORY) {
            columnArrays.clear(); // the heap is short: a run allocates its own until runs succeed again
            int released = table.shrinkPendingRun();
            shrunk = released > 0 ? " (run shrunk: " + released + " batches go to a later run)"
                    : " (the run is a single batch and cannot be shrunk: give the JVM more heap)";
        }
        long now = clock.millis();
        int streak = status.snapshot().failureStreak() + 1;
        long next = now + backoff.delayMillis(streak);
        status.failed(kind, e + shrunk, now, next);
        metrics.runs.labelValues("failure").inc();
        LOG.error("rollup of {} failed ({} consecutive, {}){}; its planned run is re-executed at {} unless the cause is gone sooner",
                table.name(), streak, kind, shrunk, Instant.ofEpochMilli(next), e);
        return new RollupFailure(table.name(), kind, e);
    }

    /**
     * The spool bytes one run may take: {@code rollup.maxRunBytes}, but never more than an
     * eighth of the heap (a run holds its rows, several heap bytes per spool byte, while
     * ingest and the seen-id index need the rest).
     */
    long effectiveMaxRunBytes() {
        return Math.max(1, Math.min(config.getMaxRunBytes().toBytes(), Runtime.getRuntime().maxMemory() / 8));
    }

    /** A run failed; already logged, counted and recorded in the status. */
    public static final class RollupFailure extends IOException {
        private final RollupStatus.FailureKind kind;

        RollupFailure(String table, RollupStatus.FailureKind kind, Throwable cause) {
            super("rollup of " + table + " failed: " + cause.getMessage(), cause);
            this.kind = kind;
        }

        public RollupStatus.FailureKind kind() {
            return kind;
        }

        static RollupStatus.FailureKind kindOf(Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof OutOfMemoryError) {
                    return RollupStatus.FailureKind.MEMORY;
                }
                if (t instanceof InstanceFence.InstanceConflictException) {
                    return RollupStatus.FailureKind.INSTANCE_CONFLICT;
                }
                if (t instanceof WorkDisk.NotEnoughDiskException
                        || (t.getMessage() != null && t.getMessage().contains("No space left on device"))) {
                    return RollupStatus.FailureKind.DISK;
                }
                if (t instanceof StoreFailureException) {
                    return RollupStatus.FailureKind.STORE;
                }
            }
            return RollupStatus.FailureKind.OTHER;
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

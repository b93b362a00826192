package io.gravix.rollup;

import static java.util.Objects.requireNonNull;

import io.gravix.dlq.DeadLetterQueue;
import io.gravix.index.BatchRecord;
import io.gravix.index.BatchState;
import io.gravix.index.CommittedRun;
import io.gravix.index.PlannedRun;
import io.gravix.index.RollupLedger;
import io.gravix.rollup.columns.ColumnArrays;
import io.gravix.rollup.columns.EventColumns;
import io.gravix.rollup.columns.SortedRun;
import io.gravix.spool.SpoolDirectories;
import io.gravix.spool.SpoolFile;
import io.gravix.store.ObjectStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rolls up one table, one run at a time (DESIGN.md §6).
 *
 * <p>A run: (1) is planned in SQLite with the sealed batches it takes, or — after a
 * crash — is the planned run found there; (2) reads its batches whole into columns
 * ({@link EventColumns}: no object per event), moving an unreadable one to the
 * dead-letter queue and out of the run; (3) drops every event whose id an earlier event of
 * this run or a committed run already kept ({@link EventColumns#dropRepeatedIds}); (4) sorts an index of the
 * rest by event hour and row order ({@link SortedRun}) and cuts each hour into files of at
 * most the run's {@code maxRowsPerFile} rows, named {@code part-<instance>-<run>-<n>}, shared
 * among the writer threads ({@link FilePlan}); (5) records the
 * keys, claims the run in the lake's instance record, checks for disk room, writes and puts the
 * files on the writer threads while this thread packs the kept ids for the commit; (6) commits the run, its batches and its kept ids in one SQLite transaction;
 * (7) deletes the batches' spool files.
 *
 * <p>Why re-execution is exactly-once: steps 2–5 are a function of the planned batches
 * and the committed seen ids, neither of which changes until step 6 (pruning happens
 * only inside a commit), so a re-executed run produces the same rows in the same files
 * under the same keys, and its puts overwrite what a crashed attempt left. When the input
 * did change (a batch dead-lettered or dropped, a run shrunk after running out of heap),
 * the keys recorded in step 5 let the final attempt delete the files of earlier attempts
 * that it did not write, before step 6. Until step 6
 * nothing refers to the run's files as done; after it, the batches are ROLLED_UP and a
 * spool file left behind by a crash before step 7 is deleted at the next start.
 */
final class TableRollup {
    private static final Logger LOG = LoggerFactory.getLogger(TableRollup.class);

    /** What a rollup run needs besides its table. */
    record Context(RollupLedger ledger, Path spoolDirectory, Path workDirectory, Path seenIdsDirectory, ObjectStore store, DeadLetterQueue deadLetters,
                   ExecutorService writers, RollupMetrics metrics, RollupConfig config, Clock clock, CrashPoints crashPoints,
                   InstanceFence fence, WorkDisk workDisk, ColumnArrays columnArrays) {}

    private final LakeTable table;
    private final Context ctx;
    private SeenIds seen;
    /**
     * A run committed in SQLite but its ids did not reach {@link #seen} (the update failed,
     * say out of heap): the in-memory index must be rebuilt before another run reads.
     */
    private boolean seenBehindIndex;
    /** The run found planned at start (re-executed first), or -1. */
    private long resumedRunId = -1;

    TableRollup(LakeTable table, Context ctx) {
        this.table = requireNonNull(table, "table is null");
        this.ctx = requireNonNull(ctx, "ctx is null");
    }

    /** The seen-id index of this table as SQLite holds it. */
    private SeenIds loadSeenIds() {
        SeenIds.Spill spill = new SeenIds.Spill(ctx.seenIdsDirectory(), ctx.config().getSeenIdMemory().toBytes());
        SeenIds index = new SeenIds(ctx.config().getDedupeWindow().toJavaDuration(), ctx.config().getSeenIdCacheSize().toBytes(),
                spill, runId -> ctx.ledger().runIds(runId)
                        .map(r -> new SeenIds.StoredRun(r.committedAtMillis(), EventIdList.decode(r.blob()))));
        ctx.ledger().forEachRunIds(name(), r -> index.add(r.runId(), r.committedAtMillis(), EventIdList.decode(r.blob())));
        return index;
    }

    /** Rebuilds the seen-id index from SQLite, letting the stale one go first: the heap may be what failed. */
    private void reloadSeenIds() {
        if (seen != null) {
            seen.close();
            seen = null;
        }
        seen = loadSeenIds();
    }

    String name() {
        return table.name();
    }

    /** Start-up: loads the seen-id index and deletes spool files a crash left behind after their run committed. */
    void start() throws IOException {
        reloadSeenIds();
        resumedRunId = ctx.ledger().pendingRun(name()).map(PlannedRun::id).orElse(-1L);
        deleteRolledUpSpoolFiles();
        reportSeenIds();
        LOG.info("rollup of {}: seen-id index holds {} ids in {} MiB of heap and {} MiB of disk", name(), seen.size(),
                seen.memoryBytes() >> 20, seen.diskBytes() >> 20);
    }

    /**
     * Deletes sealed spool files whose batch is already ROLLED_UP: left by a crash (or a
     * failed delete) after their run committed. Run at start and at the beginning of every
     * rollup, so they are gone long before their batch rows are pruned.
     */
    void deleteRolledUpSpoolFiles() throws IOException {
        int deleted = 0;
        try (Stream<Path> files = Files.list(ctx.spoolDirectory())) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".sealed")).sorted().toList()) {
                long batchId = SpoolFile.batchIdOf(file);
                if (batchId >= 0 && ctx.ledger().batchState(batchId).orElse(null) == BatchState.ROLLED_UP) {
                    Files.delete(file);
                    deleted++;
                }
            }
        }
        if (deleted > 0) {
            SpoolDirectories.fsync(ctx.spoolDirectory());
            LOG.info("rollup of {}: deleted {} spool files whose run had already committed", name(), deleted);
        }
    }

    boolean hasPendingRun() {
        return ctx.ledger().pendingRun(name()).isPresent();
    }

    /** Runs the pending run, or plans and runs the next one; empty when no sealed batch waits. */
    Optional<RunSummary> runOnce(long maxBatchId, long maxRunBytes) throws IOException, InterruptedException {
        if (seenBehindIndex) {
            reloadSeenIds();
            seenBehindIndex = false;
            LOG.warn("rollup of {}: seen-id index rebuilt from SQLite after a run's ids failed to reach it", name());
        }
        Optional<PlannedRun> pending = ctx.ledger().pendingRun(name());
        PlannedRun plan;
        if (pending.isPresent()) {
            plan = pending.get();
            LOG.info("rollup of {}: re-executing planned run {}", name(), plan.id());
        } else {
            Optional<PlannedRun> planned = ctx.ledger().planRun(name(), maxBatchId, maxRunBytes,
                    ctx.config().getMaxRowsPerFile(), ctx.config().getWriterThreads(), ctx.clock().millis());
            if (planned.isEmpty()) {
                return Optional.empty();
            }
            plan = planned.get();
            ctx.crashPoints().reached(CrashPoint.PLANNED);
        }
        return Optional.of(execute(plan));
    }

    /**
     * Takes sealed batch {@code batch} out of whatever run it is planned into: its spool file
     * goes to the dead-letter queue (from where it can be inspected and replayed) and the
     * run is re-executed without it; the keys its earlier attempts put and the next attempt
     * does not write are deleted before that run commits. Call only on the rollup thread.
     *
     * @return the dead-letter entry, or empty when the spool file was already gone
     */
    Optional<String> dropBatch(BatchRecord batch) throws IOException {
        Path file = ctx.spoolDirectory().resolve(SpoolFile.sealedName(batch.id()));
        Optional<String> entry = Optional.empty();
        if (Files.exists(file)) {
            entry = Optional.of(ctx.deadLetters().quarantine(table.table(), file,
                    "taken out of its rollup run by an operator (rollup-drop-batch)", 0));
        }
        ctx.ledger().deadLetter(batch.id());
        LOG.warn("rollup of {}: batch {} taken out of its run by an operator{}", name(), batch.id(),
                entry.map(e -> "; its spool file is dead-letter entry " + e).orElse("; its spool file was missing: its events are lost"));
        return entry;
    }

    /** After a run ran out of heap: its newest half of batches goes back to waiting; returns how many (0: one batch left). */
    int shrinkPendingRun() {
        return ctx.ledger().pendingRun(name()).map(run -> ctx.ledger().releaseNewestHalf(run.id())).orElse(0);
    }

    private RunSummary execute(PlannedRun plan) throws IOException, InterruptedException {
        long started = System.nanoTime();
        RunInput input = readAndDedupe(plan);
        long read = System.nanoTime();
        SortedRun sorted = SortedRun.of(input.columns());
        List<List<FileJob>> lanes = planFiles(plan, sorted);
        List<FileJob> jobs = lanes.stream().flatMap(List::stream).sorted(Comparator.comparingInt(FileJob::number)).toList();
        List<String> keys = jobs.stream().map(FileJob::key).toList();
        long late = lateEvents(plan, eventsPerHour(sorted), keys);
        long sortedAt = System.nanoTime();
        prepareLake(plan, keys, input.spoolBytes());
        List<Future<Long>> writes = submitWrites(lanes, jobs.size(), input.columns(), sorted.rows());
        // The commit's ids are a function of the columns alone: pack them on this thread, idle
        // until the files are written, instead of after.
        IdsToCommit ids = whileWriting(writes, () -> IdsToCommit.of(input.columns()));
        long bytes = awaitWrites(writes);
        ctx.crashPoints().reached(CrashPoint.ALL_FILES_PUT);
        deleteKeysOfEarlierAttempts(plan, keys);
        long written = System.nanoTime();

        int kept = commit(plan, input, ids, jobs.size(), bytes);
        ctx.metrics().committed(name(), plan.id(), ctx.clock().millis(), input.freshness(), late, input.duplicates(), jobs.size(), bytes);
        deleteSpoolFiles(input.spoolFiles());
        RunSummary summary = new RunSummary(plan.id(), name(), input.spoolFiles().size(), kept, input.duplicates(), bytes,
                keys, input.deadLettered());
        long done = System.nanoTime();
        LOG.info("rollup of {}: run {} committed: {} batches, {} events, {} duplicates dropped, {} files, {} bytes{}"
                        + " (columns {} MiB; read+dedupe {} ms, sort {} ms, write+put {} ms, commit {} ms)",
                name(), plan.id(), summary.batches(), summary.events(), input.duplicates(), summary.files(), bytes,
                input.deadLettered().isEmpty() ? "" : ", dead-lettered " + input.deadLettered(),
                input.columns().memoryBytes() >> 20, (read - started) / 1_000_000,
                (sortedAt - read) / 1_000_000, (written - sortedAt) / 1_000_000, (done - written) / 1_000_000);
        // Every write is done: the next run may decode into these arrays. (A failed run's are
        // left to the GC: a write of it interrupted at shutdown may still be reading them.)
        ctx.columnArrays().release(input.columns());
        return summary;
    }

    /** What a run read: its new events in columns, and the spool files they came from. */
    private record RunInput(EventColumns columns, long duplicates, List<Path> spoolFiles, long spoolBytes,
                            List<String> deadLettered, FreshnessTally freshness) {}

    /** A batch of the run whose spool file cannot be rolled up. */
    private static final class UnreadableBatch extends Exception {
        final BatchRecord batch;
        final Path file;
        final SpoolBatchReader.Unreadable problem;

        UnreadableBatch(BatchRecord batch, Path file, SpoolBatchReader.Unreadable problem) {
            super(problem.getMessage(), problem, false, false);
            this.batch = batch;
            this.file = file;
            this.problem = problem;
        }
    }

    /**
     * Reads every batch of the run into columns, keeping each event whose id neither this
     * run nor a committed run kept. An unreadable file goes to the dead-letter queue and out
     * of the run, and the run is read again without it (events of its good frames may
     * already be in the columns and the dedupe).
     */
    private RunInput readAndDedupe(PlannedRun plan) throws IOException {
        List<String> deadLettered = new ArrayList<>();
        while (true) {
            try {
                return readBatches(plan, deadLettered);
            } catch (UnreadableBatch e) {
                deadLetter(e.batch, e.file, e.problem, deadLettered);
            }
        }
    }

    private RunInput readBatches(PlannedRun plan, List<String> deadLettered) throws IOException, UnreadableBatch {
        List<BatchRecord> batches = new ArrayList<>();
        long fileBytes = 0;
        long spoolBytes = 0;
        for (BatchRecord batch : ctx.ledger().batchesOf(plan.id())) {
            Path file = spoolFile(batch);
            if (presentOrDeadLettered(batch, file, deadLettered)) {
                batches.add(batch);
                fileBytes += Files.size(file);
                spoolBytes += batch.bytes();
            }
        }
        EventColumns columns = table.newColumns(fileBytes, ctx.columnArrays());
        List<Path> spoolFiles = new ArrayList<>();
        List<SpoolBatchReader.Frames> frames = new ArrayList<>();
        for (BatchRecord batch : batches) {
            Path file = spoolFile(batch);
            try {
                frames.add(SpoolBatchReader.read(table.table(), file, columns));
            } catch (SpoolBatchReader.Unreadable e) {
                throw new UnreadableBatch(batch, file, e);
            }
            spoolFiles.add(file);
        }
        try {
            // The writer threads are idle until this run is sorted: one decodes half of the frames, and dedupes half.
            SpoolBatchReader.appendAll(frames, batches.stream().mapToLong(BatchRecord::id).toArray(), columns, ctx.writers());
        } catch (SpoolBatchReader.Undecodable e) {
            throw new UnreadableBatch(batches.get(e.file()), spoolFiles.get(e.file()), e.problem());
        }
        long duplicates = columns.dropRepeatedIds(seen, ctx.writers());
        columns.seal();
        return new RunInput(columns, duplicates, spoolFiles, spoolBytes, deadLettered, FreshnessTally.of(columns));
    }

    private Path spoolFile(BatchRecord batch) {
        return ctx.spoolDirectory().resolve(SpoolFile.sealedName(batch.id()));
    }

    private static Map<Long, Integer> eventsPerHour(SortedRun sorted) {
        Map<Long, Integer> events = new HashMap<>();
        for (int h = 0; h < sorted.hourCount(); h++) {
            events.put(sorted.hour(h), sorted.hourEnd(h) - sorted.hourStart(h));
        }
        return events;
    }

    /**
     * Before the first put of an attempt: records its keys (so a later attempt can remove
     * what this one leaves), claims the run in the lake's record of this instance, and
     * checks the work directory has room for the files.
     */
    private void prepareLake(PlannedRun plan, List<String> keys, long spoolBytes) throws IOException {
        ctx.ledger().recordKeys(plan.id(), keys);
        try {
            ctx.fence().claim(plan.id(), plan.id() == resumedRunId);
        } catch (InstanceFence.InstanceConflictException e) {
            throw e;
        } catch (IOException e) {
            throw new StoreFailureException("read or write the instance record " + InstanceFence.key(ctx.fence().instance()), e);
        }
        ctx.workDisk().checkRoomFor(plan.id(), spoolBytes);
    }

    /**
     * An earlier attempt of this run may have put files this one did not write (its input
     * shrank: a batch dead-lettered on the second read, or taken out by an operator). They
     * would be duplicates of events in this attempt's files or of events not in the run any
     * more, so they go before the commit makes the run's files final.
     */
    private void deleteKeysOfEarlierAttempts(PlannedRun plan, List<String> keys) throws IOException {
        Set<String> written = new HashSet<>(keys);
        for (String key : ctx.ledger().recordedKeys(plan.id())) {
            if (!written.contains(key)) {
                try {
                    ctx.store().delete(key);
                } catch (IOException e) {
                    throw new StoreFailureException("delete " + key, e);
                }
                LOG.info("rollup of {}: run {}: deleted {}, put by an earlier attempt but not by this one", name(), plan.id(), key);
            }
        }
    }

    /**
     * Events of this run that go into an hour partition already holding files of an earlier
     * run (late data: each such run adds small files to a partition). One store listing per
     * hour the run writes, before its first put; keys of this run (this attempt's, and those
     * an earlier attempt recorded) do not count.
     */
    private long lateEvents(PlannedRun plan, Map<Long, Integer> eventsPerHour, List<String> keys) throws IOException {
        Set<String> ownKeys = new HashSet<>(keys);
        ownKeys.addAll(ctx.ledger().recordedKeys(plan.id()));
        long late = 0;
        for (Map.Entry<Long, Integer> hour : eventsPerHour.entrySet()) {
            boolean earlierFiles;
            try {
                earlierFiles = ctx.store().list(LakePartition.prefix(name(), hour.getKey())).stream()
                        .anyMatch(o -> !ownKeys.contains(o.key()));
            } catch (IOException e) {
                throw new StoreFailureException("list " + LakePartition.prefix(name(), hour.getKey()), e);
            }
            late += earlierFiles ? hour.getValue() : 0;
        }
        return late;
    }

    private void reportSeenIds() {
        ctx.metrics().seenIdsMemory.labelValues(name()).set(seen.memoryBytes());
        ctx.metrics().seenIdsDisk.labelValues(name()).set(seen.diskBytes());
        ctx.metrics().seenIds.labelValues(name()).set(seen.size());
    }

    /** The ids a run keeps, sorted and packed, and as the ledger stores them. */
    private record IdsToCommit(PackedIds packed, byte[] encoded) {
        static IdsToCommit of(EventColumns columns) {
            PackedIds packed = PackedIds.sortedFrom(columns);
            return new IdsToCommit(packed, EventIdList.encode(packed));
        }
    }

    /** Commits the run, its batches and its kept ids in one transaction, and prunes ids past the window; returns how many ids. */
    private int commit(PlannedRun plan, RunInput input, IdsToCommit toCommit, int files, long bytes) {
        PackedIds ids = toCommit.packed();
        long now = ctx.clock().millis();
        // Remember ids for the window counted from the oldest event still waiting (a retry in a backlog
        // accepted within the window of its first copy must still be dropped), never from later than now.
        long pruneBefore = Math.min(now, ctx.ledger().oldestWaitingBatchCreatedAt(name(), plan.id()))
                - ctx.config().getDedupeWindow().toMilliseconds();
        // From the commit on (even one that fails after it was durable) until the ids are in
        // memory too, no other run may dedupe against the in-memory index.
        seenBehindIndex = true;
        ctx.ledger().commitRun(new CommittedRun(plan.id(), now, input.spoolFiles().size(), ids.size(), input.duplicates(), files,
                bytes, toCommit.encoded(), ids.size()), name(), pruneBefore);
        ctx.crashPoints().reached(CrashPoint.COMMITTED);
        seen.add(plan.id(), now, ids, input.columns().keptFingerprints());
        seen.prune(pruneBefore);
        seenBehindIndex = false;
        reportSeenIds();
        ctx.metrics().events.labelValues(name()).inc(ids.size());
        ctx.metrics().duplicates.labelValues(name()).inc(input.duplicates());
        return ids.size();
    }

    private void deleteSpoolFiles(List<Path> files) throws IOException {
        for (Path file : files) {
            Files.deleteIfExists(file);
        }
        if (!files.isEmpty()) {
            SpoolDirectories.fsync(ctx.spoolDirectory());
        }
    }

    /**
     * Whether the batch's spool file is there to read. A file already in the dead-letter
     * queue (a crash came between moving it there and recording that) is recorded now.
     */
    private boolean presentOrDeadLettered(BatchRecord batch, Path file, List<String> deadLettered) throws IOException {
        if (Files.exists(file)) {
            return true;
        }
        if (ctx.deadLetters().contains(table.table(), file)) {
            ctx.ledger().deadLetter(batch.id());
            deadLettered.add(DeadLetterQueue.entryName(table.table(), file));
            return false;
        }
        throw new IOException("spool file " + file + " of planned batch " + batch.id() + " is missing");
    }

    private void deadLetter(BatchRecord batch, Path file, SpoolBatchReader.Unreadable e, List<String> deadLettered)
            throws IOException {
        String entry = ctx.deadLetters().quarantine(table.table(), file, e.getMessage(), e.offset());
        ctx.ledger().deadLetter(batch.id());
        deadLettered.add(entry);
        LOG.error("rollup of {}: moved unreadable spool file {} to the dead-letter queue as {}: {} (offset {})",
                name(), file, entry, e.getMessage(), e.offset());
    }

    /** One output file: a slice of the run's sorted rows, all of one hour. */
    private record FileJob(String key, long runId, int number, int from, int to) {}

    /** The run's files ({@link FilePlan}), numbered in sort order, in the lanes the writer threads write them in. */
    private List<List<FileJob>> planFiles(PlannedRun plan, SortedRun sorted) {
        int[] hourEnds = new int[sorted.hourCount()];
        Arrays.setAll(hourEnds, sorted::hourEnd);
        FilePlan files = FilePlan.of(hourEnds, plan.maxRowsPerFile(), plan.splitFiles());
        Map<FilePlan.File, FileJob> jobs = new HashMap<>();
        int n = 0;
        for (FilePlan.File file : files.files()) {
            String key = LakePartition.key(name(), sorted.hour(file.hour()), ctx.fence().instance(), plan.id(), n);
            jobs.put(file, new FileJob(key, plan.id(), n++, file.from(), file.to()));
        }
        return files.lanes().stream().map(lane -> lane.stream().map(jobs::get).toList()).toList();
    }

    /** Starts writing and putting every file: one task per lane, which writes its files one after another. */
    private List<Future<Long>> submitWrites(List<List<FileJob>> lanes, int files, EventColumns columns, int[] order) {
        AtomicInteger puts = new AtomicInteger();
        List<Future<Long>> futures = new ArrayList<>(lanes.size());
        for (List<FileJob> lane : lanes) {
            futures.add(ctx.writers().submit(() -> {
                long bytes = 0;
                for (FileJob job : lane) {
                    bytes += writeAndPut(job, columns, order);
                    if (puts.incrementAndGet() == 1 && files > 1) {
                        ctx.crashPoints().reached(CrashPoint.FIRST_FILE_PUT);
                    }
                }
                return bytes;
            }));
        }
        return futures;
    }

    /**
     * Runs {@code work} while the writes go on; if it fails, waits for them first, since no
     * task of this attempt may still touch the work directory or the store when the run fails.
     */
    static <T> T whileWriting(List<Future<Long>> writes, Supplier<T> work) throws InterruptedException {
        try {
            return work.get();
        } catch (RuntimeException | Error e) {
            awaitAll(writes);
            throw e;
        }
    }

    /** Waits for every write; returns the bytes put, or throws the first failure once none runs. */
    private static long awaitWrites(List<Future<Long>> futures) throws IOException, InterruptedException {
        long bytes = 0;
        try {
            for (Future<Long> f : futures) {
                bytes += f.get();
            }
        } catch (ExecutionException e) {
            awaitAll(futures); // no task of this attempt may still touch the work directory or the store
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(cause);
        } catch (InterruptedException e) {
            futures.forEach(f -> f.cancel(true));
            throw e;
        }
        return bytes;
    }

    private static void awaitAll(List<Future<Long>> futures) throws InterruptedException {
        for (Future<Long> f : futures) {
            try {
                f.get();
            } catch (ExecutionException ignored) {
                // the first failure is the one reported
            }
        }
    }

    private long writeAndPut(FileJob job, EventColumns columns, int[] order) throws IOException {
        long start = System.nanoTime();
        // Unique per attempt: a put of an earlier, failed attempt can never pick up this one's file.
        Path temp = ctx.workDirectory().resolve(job.key().replace('/', '_') + "." + UUID.randomUUID());
        // Who wrote the file, for readers of the lake: the key says it too, the footer survives a copy.
        Map<String, String> fileMetadata = Map.of("gravix.instance", ctx.fence().instance(), "gravix.run", Long.toString(job.runId()));
        try {
            ParquetEventWriter.writeFile(temp, columns, order, job.from(), job.to(), fileMetadata);
            long size = Files.size(temp);
            try {
                ctx.store().put(job.key(), temp);
            } catch (IOException e) {
                throw new StoreFailureException("put " + job.key(), e);
            }
            ctx.metrics().writeDuration.labelValues(name()).observe((System.nanoTime() - start) / 1e9);
            ctx.metrics().bytesWritten.inc(size);
            return size;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

}

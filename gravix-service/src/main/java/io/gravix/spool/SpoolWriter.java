package io.gravix.spool;

import static java.util.Objects.requireNonNull;

import io.gravix.index.BatchIndex;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends frames to one table's open spool file with group commit, and seals it.
 *
 * <p>One owner thread per table does all file and index work; request threads
 * only enqueue a finished frame and get a future. The thread gathers queued
 * frames, writes them with one gathering write, calls {@code force()} once, and
 * only then completes the futures of every frame that force covered
 * (invariant: a completed future means its frame is on disk). {@link FlushPolicy}
 * decides when to stop gathering.
 *
 * <p>Files are opened lazily on the first frame (no empty files), sealed when
 * they reach {@code maxFileSize} or {@code maxFileAge}, on {@link #sealNow()},
 * and at stop. Sealing renames {@code .open} to {@code .sealed}, fsyncs the
 * directory (the rename is the commit point) and then records the batch as
 * SEALED in the index; recovery finishes any seal a crash interrupted.
 *
 * <p>If a write or fsync fails, every pending and later request fails with
 * {@link SpoolUnavailableException} (503) and the writer is unhealthy: the fsync
 * is never retried on that file, since a failed fsync may have dropped dirty
 * pages. Restart recovers the file from what is really on disk.
 *
 * <p>Power loss: at most one write is not yet covered by a force at any time (the
 * next write starts only after the previous force returned), and one write is at
 * most {@code flushMaxBytes} plus its last frame: frames are gathered only while
 * fewer than {@code flushMaxBytes} are buffered, and the frames left at stop are
 * written in such slices too. {@link SpoolRecovery} relies on this bound to tell a
 * torn tail from damage to acknowledged frames (see {@link SpoolFileScanner}).
 */
final class SpoolWriter {
    private static final Logger LOG = LoggerFactory.getLogger(SpoolWriter.class);

    private final Table table;
    private final Path directory;
    private final BatchIndex index;
    private final SpoolConfig config;
    private final Clock clock;
    private final SpoolMetrics metrics;
    private final Runnable onSeal;
    private final FlushPolicy policy;
    private final LinkedBlockingQueue<Command> queue = new LinkedBlockingQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    /** Requests admitted for this table and not yet appended (or abandoned): frames worth lingering for. */
    private final java.util.concurrent.atomic.AtomicInteger framesExpected = new java.util.concurrent.atomic.AtomicInteger();
    /** Moving average of frames per flush (writer thread only); above CONCURRENT_CLIENTS, clients are concurrent. */
    private double framesPerFlush = 1;
    private static final double CONCURRENT_CLIENTS = 2.0;
    private final Thread thread;
    private final WriterProgress progress;
    private final SpoolStorage storage;

    /** Set once, by the writer thread, when a write, fsync or seal fails; never cleared. */
    private volatile Exception failure;
    private volatile boolean accepting = true;

    // Owned by the writer thread.
    private OpenFile current;

    private sealed interface Command permits Append, Seal, Stop {}

    private record Append(byte[] frame, int events, CompletableFuture<Void> done) implements Command {}

    private record Seal(CompletableFuture<Void> done) implements Command {}

    private record Stop(CompletableFuture<Void> done) implements Command {}

    /** The open file and what has been forced into it. Frames before {@code size} are fsynced. */
    private static final class OpenFile {
        final long batchId;
        final long createdAtMillis;
        final Path path;
        final SpoolStorage.AppendChannel channel;
        long size;
        long frames;
        long events;

        OpenFile(long batchId, long createdAtMillis, Path path, SpoolStorage.AppendChannel channel, long size) {
            this.batchId = batchId;
            this.createdAtMillis = createdAtMillis;
            this.path = path;
            this.channel = channel;
            this.size = size;
        }
    }

    SpoolWriter(Table table, Path directory, BatchIndex index, SpoolConfig config, Clock clock, SpoolMetrics metrics, Runnable onSeal) {
        this(table, directory, index, config, clock, metrics, onSeal, SpoolStorage.PRODUCTION);
    }

    SpoolWriter(Table table, Path directory, BatchIndex index, SpoolConfig config, Clock clock, SpoolMetrics metrics, Runnable onSeal,
                SpoolStorage storage) {
        this.storage = requireNonNull(storage, "storage is null");
        this.table = requireNonNull(table, "table is null");
        this.directory = requireNonNull(directory, "directory is null");
        this.index = requireNonNull(index, "index is null");
        this.config = requireNonNull(config, "config is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.onSeal = requireNonNull(onSeal, "onSeal is null");
        this.policy = new FlushPolicy(config.getFlushMaxBytes().toBytes(), config.getFlushMaxWait().toNanoseconds(),
                config.getFlushLinger().toNanoseconds());
        this.thread = new Thread(this::run, "spool-writer-" + table.tableName());
        this.progress = new WriterProgress(clock.millis());
    }

    void start() {
        thread.start();
    }

    /** Announces a request that will append a frame soon (or call {@link #abandonExpected()}). */
    void expectFrame() {
        framesExpected.incrementAndGet();
    }

    /** The announced request will not append after all. */
    void abandonExpected() {
        framesExpected.decrementAndGet();
    }

    /**
     * Queues a frame; the future completes once it is fsynced, or exceptionally
     * with {@link SpoolUnavailableException}. Fulfils one {@link #expectFrame()}.
     */
    CompletableFuture<Void> appendExpected(byte[] frame, int events) {
        CompletableFuture<Void> done = append(frame, events);
        framesExpected.decrementAndGet();
        return done;
    }

    /**
     * Queues a frame; the future completes once it is fsynced, or exceptionally
     * with {@link SpoolUnavailableException}.
     */
    CompletableFuture<Void> append(byte[] frame, int events) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Exception failed = failure;
        if (failed != null) {
            done.completeExceptionally(unavailable(failed));
            return done;
        }
        if (!accepting) {
            done.completeExceptionally(new SpoolUnavailableException(SpoolUnavailableException.Reason.SHUTTING_DOWN, "Gravix is shutting down"));
            return done;
        }
        long queued = queuedBytes.addAndGet(frame.length);
        if (queued > config.getMaxQueuedBytes().toBytes() && queued != frame.length) {
            queuedBytes.addAndGet(-frame.length);
            done.completeExceptionally(new SpoolUnavailableException(SpoolUnavailableException.Reason.BACKPRESSURE,
                    "spool write queue is full (spool.maxQueuedBytes = " + config.getMaxQueuedBytes() + ")"));
            return done;
        }
        queue.add(new Append(frame, events, done));
        progress.workArrived(clock.millis());
        return done;
    }

    /** Seals the open file, if any; completes when the seal is recorded in the index. */
    CompletableFuture<Void> sealNow() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        queue.add(new Seal(done));
        progress.workArrived(clock.millis());
        return done;
    }

    /** Refuses new frames, writes and fsyncs every queued one, seals, and ends the thread. */
    void stop() throws InterruptedException {
        accepting = false;
        CompletableFuture<Void> done = new CompletableFuture<>();
        queue.add(new Stop(done));
        thread.join();
    }

    boolean isHealthy() {
        return failure == null && thread.isAlive();
    }

    Exception failure() {
        return failure;
    }

    /** How long queued work has waited without this writer making progress (0 when idle or keeping up). */
    long stalledMillis() {
        return progress.stalledMillis(clock.millis());
    }

    private void run() {
        List<Append> gathered = new ArrayList<>();
        long gatheredBytes = 0;
        long gatheringSince = 0;
        while (true) {
            Command command;
            try {
                if (gathered.isEmpty()) {
                    command = queue.poll(nanosUntilAgeSeal(), TimeUnit.NANOSECONDS);
                } else {
                    command = queue.poll();
                    if (command == null && moreFramesExpected()) {
                        // Linger briefly for requests being decoded right now (see FlushPolicy).
                        long left = policy.lingerLeftNanos(System.nanoTime() - gatheringSince);
                        command = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                command = new Stop(new CompletableFuture<>());
            }
            if (command != null) {
                progress.progressed(clock.millis());
            }
            if (command instanceof Append) {
                Append append = (Append) command;
                if (gathered.isEmpty()) {
                    gatheringSince = System.nanoTime();
                }
                gathered.add(append);
                gatheredBytes += append.frame().length;
                queuedBytes.addAndGet(-append.frame().length);
            } else if (command != null) {
                // Seal and stop apply to everything queued before them: flush that first.
                flush(gathered, "command");
                gathered.clear();
                gatheredBytes = 0;
                if (command instanceof Seal) {
                    complete(((Seal) command).done(), this::seal);
                    if (queue.isEmpty()) {
                        progress.drained(clock.millis());
                    }
                    continue;
                }
                drainAfterStop();
                complete(((Stop) command).done(), this::seal);
                return;
            }
            if (!gathered.isEmpty()) {
                FlushPolicy.Decision decision = policy.decide(queue.isEmpty(), gatheredBytes,
                        System.nanoTime() - gatheringSince, moreFramesExpected());
                if (decision == FlushPolicy.Decision.KEEP_GATHERING) {
                    continue;
                }
                flush(gathered, decision.reason());
                gathered.clear();
                gatheredBytes = 0;
            }
            if (gathered.isEmpty() && queue.isEmpty()) {
                progress.drained(clock.millis());
            }
            sealIfDue();
        }
    }

    /**
     * Frames queued after the stop command (raced with it) are still written: they were accepted.
     * In slices of at most {@code flushMaxBytes} plus a frame, like any flush (see the class comment).
     */
    private void drainAfterStop() {
        List<Append> rest = new ArrayList<>();
        long restBytes = 0;
        for (Command c; (c = queue.poll()) != null; ) {
            if (c instanceof Append) {
                rest.add((Append) c);
                restBytes += ((Append) c).frame().length;
                queuedBytes.addAndGet(-((Append) c).frame().length);
                if (restBytes >= config.getFlushMaxBytes().toBytes()) {
                    flush(rest, "stop");
                    rest = new ArrayList<>();
                    restBytes = 0;
                }
            } else if (c instanceof Seal) {
                ((Seal) c).done().complete(null);
            } else {
                ((Stop) c).done().complete(null);
            }
        }
        flush(rest, "stop");
    }

    /** Requests being decoded now, or recent flushes that each covered several frames (concurrent clients). */
    private boolean moreFramesExpected() {
        return framesExpected.get() > 0 || framesPerFlush >= CONCURRENT_CLIENTS;
    }

    private long nanosUntilAgeSeal() {
        if (current == null || failure != null) {
            return TimeUnit.SECONDS.toNanos(1);
        }
        long dueAt = current.createdAtMillis + config.getMaxFileAge().toMilliseconds();
        return Math.max(TimeUnit.MILLISECONDS.toNanos(dueAt - clock.millis()), 0);
    }

    private void sealIfDue() {
        if (current == null || failure != null) {
            return;
        }
        boolean full = current.size >= config.getMaxFileSize().toBytes();
        boolean old = clock.millis() - current.createdAtMillis >= config.getMaxFileAge().toMilliseconds();
        if (full || old) {
            try {
                seal();
            } catch (IOException | RuntimeException e) {
                fail(e);
            }
        }
    }

    private interface IoAction {
        void run() throws IOException;
    }

    private void complete(CompletableFuture<Void> done, IoAction action) {
        if (failure != null) {
            done.completeExceptionally(unavailable(failure));
            return;
        }
        try {
            action.run();
            done.complete(null);
        } catch (IOException | RuntimeException e) {
            fail(e);
            done.completeExceptionally(unavailable(e));
        }
    }

    /** Writes and forces {@code frames}; completes their futures only after the force returns. */
    private void flush(List<Append> frames, String reason) {
        if (frames.isEmpty()) {
            return;
        }
        if (failure != null) {
            failAll(frames, failure);
            return;
        }
        try {
            if (current == null) {
                current = openNewFile();
            }
            ByteBuffer[] buffers = new ByteBuffer[frames.size()];
            long bytes = 0;
            int events = 0;
            for (int i = 0; i < buffers.length; i++) {
                Append a = frames.get(i);
                buffers[i] = ByteBuffer.wrap(a.frame());
                bytes += a.frame().length;
                events += a.events();
            }
            current.channel.writeFully(buffers);
            long start = System.nanoTime();
            current.channel.force(false);
            metrics.fsyncDuration.observe((System.nanoTime() - start) / 1e9);
            current.size += bytes;
            current.frames += frames.size();
            current.events += events;
            metrics.flushes.labelValues(table.tableName(), reason).inc();
            framesPerFlush = 0.8 * framesPerFlush + 0.2 * frames.size();
            metrics.requestsWritten.labelValues(table.tableName()).inc(frames.size());
            metrics.eventsWritten.labelValues(table.tableName()).inc(events);
            metrics.bytesWritten.labelValues(table.tableName()).inc(bytes);
        } catch (IOException | RuntimeException e) {
            fail(e);
            failAll(frames, e);
            return;
        }
        for (Append a : frames) {
            a.done().complete(null);
        }
    }

    private OpenFile openNewFile() throws IOException {
        long createdAt = clock.millis();
        long batchId = index.createOpenBatch(table.tableName(), createdAt);
        Path path = directory.resolve(SpoolFile.openName(batchId));
        SpoolStorage.AppendChannel channel = storage.create(path);
        byte[] header = SpoolFile.encodeHeader(table, batchId, createdAt);
        channel.writeFully(ByteBuffer.wrap(header));
        channel.force(true);
        storage.fsyncDirectory(directory);
        return new OpenFile(batchId, createdAt, path, channel, header.length);
    }

    private void seal() throws IOException {
        OpenFile file = current;
        if (file == null) {
            return;
        }
        current = null;
        file.channel.close();
        Path sealed = directory.resolve(SpoolFile.sealedName(file.batchId));
        storage.rename(file.path, sealed);
        // Before the index says SEALED: the rollup may then read, roll up and delete the file,
        // and a lost rename would bring the rolled-up batch back as an .open file at recovery.
        storage.fsyncDirectory(directory);
        index.markSealed(file.batchId, table.tableName(), file.createdAtMillis, clock.millis(), file.size, file.frames, file.events);
        LOG.debug("sealed {} ({} bytes, {} frames, {} events)", sealed, file.size, file.frames, file.events);
        onSeal.run();
    }

    private void fail(Exception e) {
        if (failure == null) {
            LOG.error("spool writer for {} failed; refusing writes until restart", table, e);
            failure = e;
        }
        // Fail everything already queued; append() fails later frames up front.
        List<Append> queued = new ArrayList<>();
        for (Command c; (c = queue.poll()) != null; ) {
            if (c instanceof Append) {
                queued.add((Append) c);
                queuedBytes.addAndGet(-((Append) c).frame().length);
            } else if (c instanceof Seal) {
                ((Seal) c).done().completeExceptionally(unavailable(e));
            } else {
                // A stop still ends the thread: put it back for the run loop.
                queue.add(c);
                break;
            }
        }
        failAll(queued, e);
    }

    private static void failAll(List<Append> frames, Exception cause) {
        for (Append a : frames) {
            a.done().completeExceptionally(unavailable(cause));
        }
    }

    private static SpoolUnavailableException unavailable(Exception cause) {
        return new SpoolUnavailableException(SpoolUnavailableException.Reason.FAILED,
                "spool is unavailable after a write failure; the operator must restart Gravix");
    }
}

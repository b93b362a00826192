package io.gravix.spool;

import static io.gravix.spool.SpoolFixtures.frame;
import static io.gravix.spool.SpoolFixtures.indexOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dropwizard.util.DataSize;
import io.dropwizard.util.Duration;
import io.gravix.index.BatchIndex;
import io.gravix.index.BatchRecord;
import io.gravix.index.BatchState;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drives one {@link SpoolWriter} directly against a temporary directory and a real SQLite index. */
class SpoolWriterTest {
    private static final String TABLE = Table.REQUEST_FACTS.tableName();
    private static final long T0 = 1_795_947_330_000L;

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        private final AtomicLong millis;

        MutableClock(long millis) {
            this.millis = new AtomicLong(millis);
        }

        void advance(java.time.Duration d) {
            millis.addAndGet(d.toMillis());
        }

        @Override
        public long millis() {
            return millis.get();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    @TempDir
    Path tmp;

    private Path dir;
    private BatchIndex index;
    private final SpoolConfig config = new SpoolConfig();
    private final MutableClock clock = new MutableClock(T0);
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final AtomicInteger seals = new AtomicInteger();
    private final List<SpoolWriter> started = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createDirectories(tmp.resolve("spool").resolve(TABLE));
        index = BatchIndex.open(tmp.resolve("index.db"));
        config.setMaxFileAge(Duration.hours(1));
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        for (SpoolWriter w : started) {
            w.stop();
        }
        index.close();
    }

    private SpoolWriter startWriter() {
        SpoolMetrics metrics = new SpoolMetrics(registry, () -> 0, () -> 0, () -> 0);
        SpoolWriter writer = new SpoolWriter(Table.REQUEST_FACTS, dir, index, config, clock, metrics, seals::incrementAndGet);
        writer.start();
        started.add(writer);
        return writer;
    }

    private static void ack(CompletableFuture<Void> f) {
        f.orTimeout(30, TimeUnit.SECONDS).join();
    }

    private double counter(String name) {
        double sum = 0;
        for (MetricSnapshot s : registry.scrape()) {
            if (s.getMetadata().getPrometheusName().equals(name)) {
                for (CounterSnapshot.CounterDataPointSnapshot p : ((CounterSnapshot) s).getDataPoints()) {
                    sum += p.getValue();
                }
            }
        }
        return sum;
    }

    private Set<String> flushReasons() {
        Set<String> reasons = new HashSet<>();
        for (MetricSnapshot s : registry.scrape()) {
            if (s.getMetadata().getPrometheusName().equals("spool_flushes")) {
                ((CounterSnapshot) s).getDataPoints().forEach(p -> reasons.add(p.getLabels().get("reason")));
            }
        }
        return reasons;
    }

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private List<byte[]> framesIn(Path file) throws IOException {
        List<byte[]> frames = new ArrayList<>();
        SpoolFileScanner.Result r = SpoolFileScanner.scan(file, (offset, buf, at, length) ->
                frames.add(Arrays.copyOfRange(buf, (int) offset, at + length)));
        assertThat(r.tail()).isEqualTo(SpoolFileScanner.Tail.CLEAN);
        return frames;
    }

    private static void assertUnavailable(CompletableFuture<Void> f, SpoolUnavailableException.Reason reason) {
        assertThat(f).failsWithin(30, TimeUnit.SECONDS)
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .havingCause()
                .isInstanceOfSatisfying(SpoolUnavailableException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }

    // --- group commit ------------------------------------------------------------------------------

    @Test
    void concurrentAppendsCompleteOnlyOnceTheirFrameIsInTheFileAndShareFsyncs() throws Exception {
        SpoolWriter writer = startWriter();
        int threads = 32;
        int perThread = 40;
        Path open = dir.resolve(SpoolFile.openName(1));
        ConcurrentLinkedQueue<String> missing = new ConcurrentLinkedQueue<>();
        record Pending(byte[] frame, int events) {}
        List<byte[]> all = new ArrayList<>();
        long events = 0;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<java.util.concurrent.Future<List<CompletableFuture<Void>>>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            List<Pending> mine = new ArrayList<>();
            for (int i = 0; i < perThread; i++) {
                int n = 1 + (t + i) % 3;
                mine.add(new Pending(frame("t" + t + "-f" + i, n), n));
                all.add(mine.get(i).frame());
                events += n;
            }
            results.add(pool.submit(() -> {
                go.await();
                List<CompletableFuture<Void>> futures = new ArrayList<>();
                // Like clients with a few requests in flight: send a handful, wait for them, repeat.
                for (int from = 0; from < mine.size(); from += 4) {
                    List<CompletableFuture<Void>> round = new ArrayList<>();
                    for (Pending p : mine.subList(from, from + 4)) {
                        byte[] f = p.frame();
                        CompletableFuture<Void> done = writer.append(f, p.events());
                        // Runs when the future completes (on the writer thread), or at once if it already
                        // has: an acknowledged frame must already be in the file.
                        round.add(done.thenRun(() -> {
                            try {
                                if (indexOf(Files.readAllBytes(open), f) < 0) {
                                    missing.add("frame acknowledged before it was written");
                                }
                            } catch (IOException e) {
                                missing.add(e.toString());
                            }
                        }));
                    }
                    round.forEach(SpoolWriterTest::ack);
                    futures.addAll(round);
                }
                return futures;
            }));
        }
        go.countDown();
        for (var r : results) {
            r.get(60, TimeUnit.SECONDS).forEach(SpoolWriterTest::ack);
        }
        pool.shutdown();
        assertThat(missing).isEmpty();

        int frames = threads * perThread;
        double flushes = counter("spool_flushes");
        // Group commit: with 128 frames in flight at any time, fsyncs must be shared, and by many frames.
        // (Before the wait was counted from the start of gathering, a backlog made nearly every frame
        // flush alone: ~1270 fsyncs for 1280 frames.)
        assertThat(flushes).isGreaterThanOrEqualTo(1).isLessThan(frames / 2.0);
        assertThat(flushReasons()).isSubsetOf("idle", "max_bytes", "max_wait", "command", "stop");
        assertThat(counter("spool_requests_written")).isEqualTo(frames);
        assertThat(counter("spool_events_written")).isEqualTo(events);
        assertThat(counter("spool_bytes_written")).isEqualTo(all.stream().mapToLong(f -> f.length).sum());

        writer.stop();
        List<byte[]> written = framesIn(dir.resolve(SpoolFile.sealedName(1)));
        assertThat(written).hasSize(frames);
        assertThat(written.stream().map(Arrays::toString).toList())
                .containsExactlyInAnyOrderElementsOf(all.stream().map(Arrays::toString).toList());
        BatchRecord row = index.find(1).orElseThrow();
        assertThat(row.state()).isEqualTo(BatchState.SEALED);
        assertThat(row.frames()).isEqualTo(frames);
        assertThat(row.events()).isEqualTo(events);
        assertThat(row.bytes()).isEqualTo(Files.size(dir.resolve(SpoolFile.sealedName(1))));
    }

    @Test
    void recordsTheEventCountsItIsGiven() throws Exception {
        SpoolWriter writer = startWriter();
        ack(writer.append(frame("a", 3), 3));
        ack(writer.append(frame("b", 2), 2));
        ack(writer.sealNow());
        assertThat(index.find(1).orElseThrow().events()).isEqualTo(5);
        assertThat(counter("spool_events_written")).isEqualTo(5);
    }

    // --- sealing -----------------------------------------------------------------------------------

    @Test
    void sealsOnceTheFileReachesMaxFileSizeAndStartsANewFile() throws Exception {
        config.setMaxFileSize(DataSize.bytes(1024));
        SpoolWriter writer = startWriter();
        List<byte[]> frames = new ArrayList<>();
        long size = SpoolFile.HEADER_SIZE;
        while (size < 1024) {
            byte[] f = frame("f" + frames.size(), 2);
            frames.add(f);
            size += f.length;
            assertThat(names()).doesNotContain(SpoolFile.sealedName(1));
            ack(writer.append(f, 2));
        }
        // The seal follows the flush that crossed the limit, before the writer takes the next frame.
        byte[] next = frame("next", 1);
        ack(writer.append(next, 1));

        assertThat(names()).containsExactly(SpoolFile.sealedName(1), SpoolFile.openName(2));
        assertThat(framesIn(dir.resolve(SpoolFile.sealedName(1)))).containsExactlyElementsOf(frames);
        assertThat(index.find(1)).contains(new BatchRecord(1, TABLE, BatchState.SEALED, T0, T0, size, frames.size(), 2L * frames.size()));
        assertThat(index.find(2).orElseThrow().state()).isEqualTo(BatchState.OPEN);
        assertThat(seals).hasValue(1);
    }

    @Test
    void sealsOnceTheFileReachesMaxFileAge() throws Exception {
        SpoolWriter writer = startWriter();
        byte[] a = frame("a", 1);
        byte[] b = frame("b", 1);
        byte[] c = frame("c", 1);
        byte[] d = frame("d", 1);
        ack(writer.append(a, 1));
        clock.advance(java.time.Duration.ofMinutes(59));
        ack(writer.append(b, 1));
        assertThat(names()).containsExactly(SpoolFile.openName(1));

        // b's future completes before the writer checks the file's age; move the clock only after that check
        awaitIdle(writer);
        clock.advance(java.time.Duration.ofMinutes(1));
        ack(writer.append(c, 1)); // written to the old file, which is then sealed
        ack(writer.append(d, 1));

        long sealedAt = T0 + 3_600_000;
        assertThat(names()).containsExactly(SpoolFile.sealedName(1), SpoolFile.openName(2));
        assertThat(framesIn(dir.resolve(SpoolFile.sealedName(1)))).containsExactly(a, b, c);
        BatchRecord first = index.find(1).orElseThrow();
        assertThat(first.state()).isEqualTo(BatchState.SEALED);
        assertThat(first.sealedAtMillis()).isEqualTo(sealedAt);
        assertThat(index.find(2).orElseThrow().createdAtMillis()).isEqualTo(sealedAt);
    }

    @Test
    void sealsAnIdleFileOnceItIsOldWithoutAnyNewFrame() throws Exception {
        config.setMaxFileAge(Duration.seconds(1));
        SpoolWriter writer = startWriter();
        ack(writer.append(frame("a", 1), 1));
        assertThat(index.find(1).orElseThrow().state()).isEqualTo(BatchState.OPEN);

        clock.advance(java.time.Duration.ofSeconds(1));

        // the writer wakes up by itself at the file's age deadline (one real second here)
        await().atMost(10, TimeUnit.SECONDS).until(() -> index.find(1).orElseThrow().state() == BatchState.SEALED);
        assertThat(names()).containsExactly(SpoolFile.sealedName(1));
        assertThat(seals).hasValue(1);
    }

    @Test
    void sealNowWithNoOpenFileIsANoOp() throws Exception {
        SpoolWriter writer = startWriter();
        ack(writer.sealNow());
        ack(writer.sealNow());
        assertThat(names()).isEmpty();
        assertThat(index.list(BatchState.OPEN)).isEmpty();
        assertThat(index.list(BatchState.SEALED)).isEmpty();
        assertThat(seals).hasValue(0);
        assertThat(writer.isHealthy()).isTrue();
    }

    @Test
    void sealNowSealsTheOpenFileAndTheNextFrameStartsANewOne() throws Exception {
        SpoolWriter writer = startWriter();
        byte[] a = frame("a", 1);
        ack(writer.append(a, 1));
        ack(writer.sealNow());
        assertThat(names()).containsExactly(SpoolFile.sealedName(1));
        assertThat(index.find(1).orElseThrow().state()).isEqualTo(BatchState.SEALED);
        assertThat(seals).hasValue(1);

        ack(writer.append(frame("b", 1), 1));
        assertThat(names()).containsExactly(SpoolFile.sealedName(1), SpoolFile.openName(2));
        assertThat(framesIn(dir.resolve(SpoolFile.sealedName(1)))).containsExactly(a);
    }

    // --- stopping ----------------------------------------------------------------------------------

    @Test
    void stopWritesEveryQueuedFrameThenSeals() throws Exception {
        SpoolWriter writer = startWriter();
        List<byte[]> frames = new ArrayList<>();
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            byte[] f = frame("q" + i, 1);
            frames.add(f);
            futures.add(writer.append(f, 1));
        }
        writer.stop();

        assertThat(futures).allSatisfy(f -> assertThat(f).isCompletedWithValue(null));
        assertThat(names()).containsExactly(SpoolFile.sealedName(1));
        assertThat(framesIn(dir.resolve(SpoolFile.sealedName(1)))).containsExactlyElementsOf(frames);
        assertThat(index.find(1).orElseThrow().state()).isEqualTo(BatchState.SEALED);
        assertThat(writer.isHealthy()).as("its thread has ended").isFalse();
    }

    @Test
    void stopWithNothingWrittenLeavesNoFile() throws Exception {
        SpoolWriter writer = startWriter();
        writer.stop();
        assertThat(names()).isEmpty();
        assertThat(index.list(BatchState.OPEN)).isEmpty();
    }

    @Test
    void anAppendAfterStopFailsAsShuttingDown() throws Exception {
        SpoolWriter writer = startWriter();
        ack(writer.append(frame("a", 1), 1));
        writer.stop();
        assertUnavailable(writer.append(frame("b", 1), 1), SpoolUnavailableException.Reason.SHUTTING_DOWN);
        assertThat(framesIn(dir.resolve(SpoolFile.sealedName(1)))).hasSize(1);
    }

    // --- backpressure ------------------------------------------------------------------------------

    @Test
    void refusesFramesOnceTheQueueHoldsMaxQueuedBytes() throws Exception {
        config.setMaxQueuedBytes(DataSize.bytes(1024));
        SpoolWriter writer = startWriter();
        byte[] big = SpoolFile.encodeFrame(new byte[400]); // 408 bytes: two fit under the limit, three do not
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        // BatchIndex methods are synchronized: holding its monitor stalls the writer when it creates
        // its first file, with the first frame taken off the queue; every later frame stays queued.
        synchronized (index) {
            futures.add(writer.append(big, 1));
            Thread writerThread = writerThreadOf(writer);
            await().atMost(10, TimeUnit.SECONDS).until(() -> writerThread.getState() == Thread.State.BLOCKED);
            for (int i = 0; i < 4; i++) {
                futures.add(writer.append(big, 1));
            }
            assertThat(futures.subList(0, 3)).allSatisfy(f -> assertThat(f).isNotDone());
            assertUnavailable(futures.get(3), SpoolUnavailableException.Reason.BACKPRESSURE);
            assertUnavailable(futures.get(4), SpoolUnavailableException.Reason.BACKPRESSURE);
            assertThat(futures.get(3).handle((v, e) -> e.getMessage()).join()).contains("spool.maxQueuedBytes");
        }
        futures.subList(0, 3).forEach(SpoolWriterTest::ack);
        assertThat(writer.isHealthy()).isTrue();
        ack(writer.append(big, 1)); // room again once the queue drained
    }

    // --- failures ----------------------------------------------------------------------------------

    @Test
    void aFileThatCannotBeCreatedFailsItsFramesAndTheWriterNeverAcceptsAgain() throws Exception {
        SpoolWriter writer = startWriter();
        Files.delete(dir);
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            futures.add(writer.append(frame("x" + i, 1), 1));
        }
        futures.forEach(f -> assertUnavailable(f, SpoolUnavailableException.Reason.FAILED));
        assertThat(writer.isHealthy()).isFalse();
        assertThat(writer.failure()).isInstanceOf(NoSuchFileException.class);

        Files.createDirectories(dir); // the cause is gone; the writer still refuses until restart
        assertUnavailable(writer.append(frame("later", 1), 1), SpoolUnavailableException.Reason.FAILED);
        assertUnavailable(writer.sealNow(), SpoolUnavailableException.Reason.FAILED);
        writer.stop();
        assertThat(names()).isEmpty();

        // What a restart finds: an OPEN row without a file, which recovery removes.
        assertThat(index.list(BatchState.OPEN)).hasSize(1);
        assertThat(new SpoolRecovery(index, clock).recover(Table.REQUEST_FACTS, dir).orphanRowsDeleted()).isEqualTo(1);
    }

    /**
     * The write itself failing. Running as root on Linux, permissions cannot make a write
     * fail, and there is no small full file system to write to; so the open file's channel
     * is closed under the writer (reflection: it is private writer-thread state), which makes
     * the next gathering write throw ClosedChannelException like any I/O error would.
     */
    @Test
    void aFailedWriteFailsEveryPendingFrameAndTheWriterNeverAcceptsAgain() throws Exception {
        SpoolWriter writer = startWriter();
        byte[] first = frame("first", 1);
        ack(writer.append(first, 1));
        openChannelOf(writer).close();

        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<java.util.concurrent.Future<List<CompletableFuture<Void>>>> results = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            results.add(pool.submit(() -> {
                List<CompletableFuture<Void>> futures = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    futures.add(writer.append(frame("t" + thread + "-" + i, 1), 1));
                }
                return futures;
            }));
        }
        for (var r : results) {
            r.get(30, TimeUnit.SECONDS).forEach(f -> assertUnavailable(f, SpoolUnavailableException.Reason.FAILED));
        }
        pool.shutdown();
        assertThat(writer.isHealthy()).isFalse();
        assertThat(writer.failure()).isInstanceOf(java.nio.channels.ClosedChannelException.class);
        assertUnavailable(writer.append(frame("later", 1), 1), SpoolUnavailableException.Reason.FAILED);

        writer.stop();
        // The fsync is never retried and the file not sealed: restart recovery decides from the bytes on disk.
        assertThat(names()).containsExactly(SpoolFile.openName(1));
        new SpoolRecovery(index, clock).recover(Table.REQUEST_FACTS, dir);
        assertThat(framesIn(dir.resolve(SpoolFile.sealedName(1)))).containsExactly(first);
    }

    @Test
    void aFailedSealMakesTheWriterUnhealthy() throws Exception {
        SpoolWriter writer = startWriter();
        ack(writer.append(frame("a", 1), 1));
        Path moved = Files.move(dir, tmp.resolve("moved-away"));

        assertUnavailable(writer.sealNow(), SpoolUnavailableException.Reason.FAILED);
        assertThat(writer.isHealthy()).isFalse();
        assertUnavailable(writer.append(frame("b", 1), 1), SpoolUnavailableException.Reason.FAILED);
        assertThat(Files.exists(moved.resolve(SpoolFile.openName(1)))).isTrue();
        assertThat(index.find(1).orElseThrow().state()).isEqualTo(BatchState.OPEN);
    }

    /** Waits until the writer thread waits for the next command (the only timed wait it makes). */
    private static void awaitIdle(SpoolWriter writer) throws ReflectiveOperationException {
        Thread thread = writerThreadOf(writer);
        await().atMost(10, TimeUnit.SECONDS).until(() -> thread.getState() == Thread.State.TIMED_WAITING);
    }

    private static Thread writerThreadOf(SpoolWriter writer) throws ReflectiveOperationException {
        Field thread = SpoolWriter.class.getDeclaredField("thread");
        thread.setAccessible(true);
        return (Thread) thread.get(writer);
    }

    private static SpoolStorage.AppendChannel openChannelOf(SpoolWriter writer) throws ReflectiveOperationException {
        Field current = SpoolWriter.class.getDeclaredField("current");
        current.setAccessible(true);
        Object openFile = current.get(writer);
        Field channel = openFile.getClass().getDeclaredField("channel");
        channel.setAccessible(true);
        return (SpoolStorage.AppendChannel) channel.get(openFile);
    }
}

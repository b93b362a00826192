package io.gravix.spool;

import static java.util.Objects.requireNonNull;

import io.gravix.spool.IngestClient.SentRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Concurrent load on both ingest endpoints that records, for every request
 * sent, exactly what came back: which requests were acknowledged (202) is the
 * set of events the spool must hold after any crash.
 *
 * <p>A single trigger action (kill or stop the server) can be armed to run in
 * the client thread that observes the trigger point: the moment the first
 * request has been handed to the HTTP client, or the 202 that brings the
 * acknowledged count to N. {@link #mark()} records that the server has been
 * signalled; each outcome says whether its request was sent, and whether it
 * ended, after the mark. A thread stops at its first transport failure (the
 * server is gone; before the mark that is a failure the test reports), or
 * {@value #MAX_REQUESTS_AFTER_MARK} requests after the mark.
 */
final class IngestLoad {
    static final int MAX_REQUESTS_AFTER_MARK = 200;

    /** What happened to one request: a status and body, or a transport failure (status -1). */
    record Outcome(SentRequest request, int status, String body, String retryAfter, Throwable failure,
                   boolean sentAfterMark, boolean endedAfterMark) {
        boolean acknowledged() {
            return status == 202;
        }

        @Override
        public String toString() {
            return request + " -> " + (failure != null ? failure.toString() : status + " " + body)
                    + (sentAfterMark ? " (sent after mark)" : endedAfterMark ? " (ended after mark)" : "");
        }
    }

    private final IngestClient client;
    private final int threads;
    private final String idPrefix;
    private final long seed;
    private final List<Thread> workers = new ArrayList<>();
    private final ConcurrentLinkedQueue<SentRequest> sent = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    private final AtomicInteger acknowledged = new AtomicInteger();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicBoolean marked = new AtomicBoolean();
    private final AtomicBoolean triggered = new AtomicBoolean();
    private volatile int triggerAtAcknowledged = -1;
    private volatile Runnable trigger;

    IngestLoad(IngestClient client, int threads, String idPrefix, long seed) {
        this.client = requireNonNull(client, "client is null");
        this.threads = threads;
        this.idPrefix = requireNonNull(idPrefix, "idPrefix is null");
        this.seed = seed;
    }

    /** Runs {@code action} once, as soon as the first request has been handed to the HTTP client. */
    void triggerWhenFirstSent(Runnable action) {
        triggerAtAcknowledged = 0;
        trigger = requireNonNull(action, "action is null");
    }

    /** Runs {@code action} once, in the thread that records the {@code count}-th 202. */
    void triggerWhenAcknowledged(int count, Runnable action) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1");
        }
        triggerAtAcknowledged = count;
        trigger = requireNonNull(action, "action is null");
    }

    /** Records that the server is being killed or stopped from now on. */
    void mark() {
        marked.set(true);
    }

    boolean triggered() {
        return triggered.get();
    }

    /** Whether any load thread is still sending. */
    boolean running() {
        return workers.stream().anyMatch(Thread::isAlive);
    }

    void start() {
        // Well-mixed per-thread seeds: java.util.Random's first values for adjacent seeds are correlated.
        SplittableRandom seeds = new SplittableRandom(seed);
        for (int t = 0; t < threads; t++) {
            int thread = t;
            long threadSeed = seeds.nextLong();
            Thread worker = new Thread(() -> run(thread, threadSeed), "ingest-load-" + t);
            worker.setUncaughtExceptionHandler((th, e) -> errors.add(e));
            workers.add(worker);
            worker.start();
        }
    }

    private void run(int thread, long threadSeed) {
        Random random = new Random(threadSeed);
        int afterMark = 0;
        for (long seq = 0; !stop.get(); seq++) {
            SentRequest request = IngestClient.randomRequest(random, idPrefix + "-t" + thread + "-" + seq);
            sent.add(request);
            boolean sentAfterMark = marked.get();
            var response = client.sendAsync(request);
            if (triggerAtAcknowledged == 0) {
                fire();
            }
            Outcome outcome;
            try {
                HttpResponse<String> r = response.get();
                outcome = new Outcome(request, r.statusCode(), r.body(), r.headers().firstValue("Retry-After").orElse(null), null,
                        sentAfterMark, marked.get());
            } catch (ExecutionException e) {
                outcome = new Outcome(request, -1, null, null, e.getCause(), sentAfterMark, marked.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            outcomes.add(outcome);
            if (outcome.acknowledged()) {
                if (!IngestClient.isAcknowledgement(outcome.status(), outcome.body(), request)) {
                    errors.add(new AssertionError("202 with an unexpected body: " + outcome));
                }
                if (acknowledged.incrementAndGet() == triggerAtAcknowledged) {
                    fire();
                }
            }
            if (outcome.failure() != null || (sentAfterMark && ++afterMark >= MAX_REQUESTS_AFTER_MARK)) {
                return;
            }
        }
    }

    private void fire() {
        if (triggered.compareAndSet(false, true)) {
            trigger.run();
        }
    }

    /** Stops sending and waits for every thread to finish its request in flight. */
    void stopAndJoin(Duration timeout) throws InterruptedException {
        stop.set(true);
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread worker : workers) {
            worker.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            if (worker.isAlive()) {
                throw new AssertionError(worker.getName() + " still has a request in flight after " + timeout);
            }
        }
    }

    List<SentRequest> sent() {
        return List.copyOf(sent);
    }

    List<Outcome> outcomes() {
        return List.copyOf(outcomes);
    }

    List<SentRequest> acknowledged() {
        return outcomes.stream().filter(Outcome::acknowledged).map(Outcome::request).collect(Collectors.toList());
    }

    int acknowledgedCount() {
        return acknowledged.get();
    }

    /** Failures of the load itself (a bug in the test or an unexpected 202 body). */
    List<Throwable> errors() {
        return List.copyOf(errors);
    }
}

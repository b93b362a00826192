package io.gravix.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gravix.spool.IngestClient.SentRequest;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM under load with a drain delay: {@code /ready} turns 503 at once while ingest keeps
 * answering 202 for the drain delay (load balancers stop sending first); then requests get
 * 503 or a refused connection; every request answered 202 is in the spool exactly once.
 */
class DrainIT {
    private static final Duration DRAIN = Duration.ofSeconds(3);
    private static final int THREADS = 4;

    private record Sent(SentRequest request, long sentAtNanos, int status, Throwable failure) {}

    @Test
    void sigtermTurnsReadinessOffAtOnceAndKeepsAcceptingForTheDrainDelay(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dataDir)
            throws Exception {
        Path log = GravixProcess.targetDirectory().resolve("drain-it").resolve("gravix.log");
        GravixProcess gravix = GravixProcess.start(dataDir, log, List.of("-Ddw.rollup.interval=1h"),
                Map.of("GRAVIX_DRAIN_DELAY", DRAIN.toSeconds() + "s"));
        IngestClient client = new IngestClient(gravix.ingestBase());
        ConcurrentLinkedQueue<Sent> outcomes = new ConcurrentLinkedQueue<>();
        AtomicLong terminatedAt = new AtomicLong();
        List<Thread> load = new ArrayList<>();
        int exit;
        long readyOffAt;
        try {
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                Thread worker = new Thread(() -> send(client, thread, outcomes, terminatedAt), "drain-load-" + t);
                load.add(worker);
                worker.start();
            }
            await().atMost(Duration.ofMinutes(1)).until(() -> outcomes.stream().filter(o -> o.status() == 202).count() >= 100);
            terminatedAt.set(System.nanoTime());
            gravix.terminate();
            readyOffAt = awaitReadyOff(gravix);
            exit = gravix.awaitExit(Duration.ofSeconds(90));
            for (Thread worker : load) {
                worker.join(Duration.ofSeconds(60).toMillis());
            }
        } finally {
            gravix.close();
        }
        assertThat(exit).isEqualTo(GravixProcess.EXIT_SIGTERM);
        long sigterm = terminatedAt.get();
        assertThat(Duration.ofNanos(readyOffAt - sigterm)).as("/ready answers 503 after SIGTERM within").isLessThan(Duration.ofSeconds(1));

        // Sent after readiness went off and well inside the drain delay: still accepted.
        long drainWindowEnd = sigterm + DRAIN.minusMillis(1000).toNanos();
        List<Sent> duringDrain = outcomes.stream().filter(o -> o.sentAtNanos() > readyOffAt && o.sentAtNanos() < drainWindowEnd).toList();
        assertThat(duringDrain).as("requests sent while draining").isNotEmpty().allMatch(o -> o.status() == 202);
        // After the drain: refused with 503 or at the socket, never lost after a 202.
        List<Sent> afterDrain = outcomes.stream().filter(o -> o.sentAtNanos() > sigterm + DRAIN.plusMillis(1000).toNanos()).toList();
        assertThat(afterDrain).as("requests sent after the drain delay").isNotEmpty()
                .allMatch(o -> o.status() == 503 || o.failure() instanceof ConnectException || o.failure() instanceof IOException);

        List<SentRequest> acknowledged = outcomes.stream().filter(o -> o.status() == 202).map(Sent::request).toList();
        SpoolSnapshot spool = SpoolSnapshot.read(dataDir);
        spool.assertAllSealedAndClean();
        spool.assertHoldsEveryAcknowledgedRequest(acknowledged, outcomes.stream().map(Sent::request).toList());
        System.out.printf("DrainIT: /ready off %d ms after SIGTERM; %d sent while draining (all 202); after the drain: %s%n",
                (readyOffAt - sigterm) / 1_000_000, duringDrain.size(), afterDrain.stream().collect(Collectors.groupingBy(
                        o -> o.failure() != null ? o.failure().getClass().getSimpleName() : Integer.toString(o.status()), Collectors.counting())));
    }

    /** Sends until the server has been stopped for a while: past the drain delay and beyond the process's end. */
    private static void send(IngestClient client, int thread, ConcurrentLinkedQueue<Sent> outcomes, AtomicLong terminatedAt) {
        Random random = new Random(thread);
        for (long seq = 0; ; seq++) {
            long t = terminatedAt.get();
            if (t != 0 && System.nanoTime() - t > DRAIN.plusSeconds(3).toNanos()) {
                return;
            }
            SentRequest request = IngestClient.randomRequest(random, "drain-t" + thread + "-" + seq);
            long sentAt = System.nanoTime();
            try {
                HttpResponse<String> r = client.sendAsync(request).get();
                outcomes.add(new Sent(request, sentAt, r.statusCode(), null));
            } catch (ExecutionException e) {
                outcomes.add(new Sent(request, sentAt, -1, e.getCause()));
                sleepQuietly(); // a refused connection returns at once: do not spin
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static long awaitReadyOff(GravixProcess gravix) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest ready = HttpRequest.newBuilder(gravix.adminUri("/ready")).timeout(Duration.ofSeconds(5)).build();
        AtomicLong at = new AtomicLong();
        await("/ready turns 503").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10)).until(() -> {
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 503) {
                    at.set(System.nanoTime());
                    return true;
                }
                return false;
            } catch (IOException e) {
                throw new AssertionError("admin port closed before /ready answered 503", e);
            }
        });
        return at.get();
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

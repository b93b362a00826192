package io.gravix.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gravix.loadgen.SentIds.Answer;
import io.gravix.rollup.LakeScan;
import io.gravix.store.LocalObjectStore;
import io.gravix.store.ObjectInfo;
import io.gravix.store.ObjectStore;
import io.gravix.testing.HandMadeLake;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Polling a real (local) lake until every acknowledged event is there, or the timeout passes. */
class LakeVerifierTest {
    private static final String RUN = "lgverify";

    @TempDir
    Path dir;

    private ListCountingStore store;
    private HandMadeLake lake;
    private final Instant eventsFrom = Instant.now();
    private final SentIds sent = new SentIds(100);
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();

    @BeforeEach
    void lake() {
        store = new ListCountingStore(new LocalObjectStore(dir.resolve("lake")));
        lake = new HandMadeLake(store, dir.resolve("writing"));
        sent.record(0, 100, Answer.ACKNOWLEDGED);
    }

    private LakeVerifier verifier(Duration timeout) throws IOException {
        LakeScan scan = new LakeScan(store, Files.createDirectories(dir.resolve("reading")));
        return new LakeVerifier(scan, "request_facts", new RollupTrigger(null, null, timeout), timeout, Duration.ofMillis(20),
                Clock.systemUTC(), new PrintStream(output, true, StandardCharsets.UTF_8));
    }

    private static List<String> ids(int from, int to) {
        return IntStream.range(from, to).mapToObj(n -> RUN + "-" + n).toList();
    }

    @Test
    void passesAtTheFirstScanWhenEveryEventIsThere() throws Exception {
        lake.putRequestFacts(eventsFrom, ids(0, 60));
        lake.putRequestFacts(eventsFrom, ids(60, 100));

        VerifyReport report = verifier(Duration.ofMinutes(1)).verify(RUN, sent, eventsFrom);

        assertThat(report.passed()).isTrue();
        assertThat(report.found()).isEqualTo(100);
        assertThat(report.files()).isEqualTo(2);
        assertThat(output.toString(StandardCharsets.UTF_8)).contains("rollup-now: not called");
    }

    @Test
    void waitsForEventsThatReachTheLakeWhileItPolls() throws Exception {
        lake.putRequestFacts(eventsFrom, ids(0, 50));
        LakeVerifier verifier = verifier(Duration.ofMinutes(1));

        CompletableFuture<VerifyReport> verifying = CompletableFuture.supplyAsync(() -> {
            try {
                return verifier.verify(RUN, sent, eventsFrom);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await("the first scan").atMost(Duration.ofSeconds(30)).until(() -> store.lists.get() >= 1);
        lake.putRequestFacts(eventsFrom, ids(50, 100));
        VerifyReport report = verifying.get(60, TimeUnit.SECONDS);

        assertThat(report.passed()).isTrue();
        assertThat(report.files()).isEqualTo(2);
        assertThat(store.lists.get()).as("scans").isGreaterThanOrEqualTo(2);
    }

    @Test
    void reportsWhatIsStillMissingWhenTheTimeoutPasses() throws Exception {
        lake.putRequestFacts(eventsFrom, ids(3, 100));

        VerifyReport report = verifier(Duration.ofMillis(200)).verify(RUN, sent, eventsFrom);

        assertThat(report.passed()).isFalse();
        assertThat(report.missing()).isEqualTo(3);
        assertThat(report.missingExamples()).containsExactly(RUN + "-0", RUN + "-1", RUN + "-2");
    }

    @Test
    void duplicatesAndUnexpectedRowsFailTheRunWithEveryEventFound() throws Exception {
        lake.putRequestFacts(eventsFrom, ids(0, 100));
        lake.putRequestFacts(eventsFrom, List.of(RUN + "-42", RUN + "-100"));

        VerifyReport report = verifier(Duration.ofMinutes(1)).verify(RUN, sent, eventsFrom);
        report.print("request_facts", new PrintStream(output, true, StandardCharsets.UTF_8));

        assertThat(report.passed()).isFalse();
        assertThat(report).extracting(VerifyReport::missing, VerifyReport::duplicated, VerifyReport::extraRows, VerifyReport::unexpected)
                .containsExactly(0L, 1L, 1L, 1L);
        assertThat(output.toString(StandardCharsets.UTF_8))
                .contains("verify          : expected 100, found 100, missing 0, duplicated 1 (1 extra rows), unexpected 1")
                .contains("e.g. duplicated: " + RUN + "-42")
                .contains("e.g. unexpected: " + RUN + "-100")
                .contains("verify result   : FAILED");
    }

    /** A real store that counts its listings, so a test can tell that a scan has started. */
    private static final class ListCountingStore implements ObjectStore {
        final AtomicInteger lists = new AtomicInteger();
        private final ObjectStore store;

        ListCountingStore(ObjectStore store) {
            this.store = store;
        }

        @Override
        public List<ObjectInfo> list(String prefix) throws IOException {
            List<ObjectInfo> objects = store.list(prefix);
            lists.incrementAndGet();
            return objects;
        }

        @Override
        public void put(String key, Path finishedLocalFile) throws IOException {
            store.put(key, finishedLocalFile);
        }

        @Override
        public InputStream open(String key) throws IOException {
            return store.open(key);
        }

        @Override
        public void delete(String key) throws IOException {
            store.delete(key);
        }

        @Override
        public boolean exists(String key) throws IOException {
            return store.exists(key);
        }

        @Override
        public void verify() throws IOException {
            store.verify();
        }

        @Override
        public void close() {
            store.close();
        }
    }
}

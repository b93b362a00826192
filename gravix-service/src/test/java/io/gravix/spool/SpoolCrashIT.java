package io.gravix.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gravix.api.spool.v1.RequestFactRecord;
import io.gravix.api.spool.v1.ServiceEventRecord;
import io.gravix.spool.IngestClient.BodyForm;
import io.gravix.spool.IngestClient.SentRequest;
import io.gravix.spool.IngestLoad.Outcome;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Kill -9 under load, restart, and prove the spool kept its promise (DESIGN.md §5):
 * every request answered 202 is on disk after a crash, whole, exactly as sent,
 * and recovery leaves only sealed files that scan clean.
 *
 * <p>Each round runs the real jar in a child JVM, drives both ingest endpoints
 * from {@value #THREADS} client threads with batches of 1-50 events in every
 * body form, and sends SIGKILL from the client thread that sees the round's
 * kill point, so the kill lands while other requests are being decoded,
 * queued, written and fsynced. The server is then restarted on the same data
 * directory (recovery runs before {@code /ready}), the spool is checked, new
 * requests are sent, and the server is stopped with SIGTERM and checked again.
 * Rounds differ in the kill point, in how often files are sealed, and in
 * whether a torn tail is added before the restart. Per-round results go to
 * {@code target/crash-it/summary.txt}; the child's logs to {@code target/crash-it/<round>/}.
 */
class SpoolCrashIT {
    private static final int THREADS = 12;

    /** What the test does to the data directory between the kill and the restart. */
    enum AfterKill {
        NOTHING,
        /** Append half a frame to an open file, as if the kill had cut a write short (a real SIGKILL rarely lands inside a write). */
        TEAR_OPEN_FILE
    }

    /** Where to kill: after the first send (0) or after the N-th acknowledgement, with optional Dropwizard overrides. */
    record KillPoint(String name, int afterAcknowledged, List<String> jvmOptions, AfterKill afterKill) {
        KillPoint(String name, int afterAcknowledged, List<String> jvmOptions) {
            this(name, afterAcknowledged, jvmOptions, AfterKill.NOTHING);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** These tests read the spool as the crash left it: keep the rollup from taking it away (RollupCrashIT covers that). */
    private static List<String> spoolOnly(List<String> jvmOptions) {
        List<String> options = new java.util.ArrayList<>(jvmOptions);
        options.add("-Ddw.rollup.interval=1h");
        return options;
    }

    static Stream<KillPoint> killPoints() {
        return Stream.of(
                new KillPoint("at-start-of-load", 0, List.of()),
                new KillPoint("after-1-ack", 1, List.of()),
                new KillPoint("after-75-acks-then-torn-tail-added", 75, List.of(), AfterKill.TEAR_OPEN_FILE),
                new KillPoint("after-400-acks", 400, List.of()),
                // Tiny files sealed by size and age all the time: kills land around renames and index updates too.
                new KillPoint("after-250-acks-sealing-every-32KiB", 250,
                        List.of("-Ddw.spool.maxFileSize=32KiB", "-Ddw.spool.maxFileAge=100ms")));
    }

    @ParameterizedTest(name = "kill -9 {0}")
    @MethodSource("killPoints")
    void acknowledgedRequestsSurviveSigkillAndRecovery(KillPoint point, @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dataDir)
            throws Exception {
        Path logs = GravixProcess.targetDirectory().resolve("crash-it").resolve(point.name());

        // 1. Load, and SIGKILL at the kill point.
        GravixProcess gravix = GravixProcess.start(dataDir, logs.resolve("1-loaded-then-killed.log"), spoolOnly(point.jvmOptions()));
        IngestLoad load = new IngestLoad(new IngestClient(gravix.ingestBase()), THREADS, point.name(), point.name().hashCode());
        try {
            Runnable kill = () -> {
                load.mark();
                gravix.kill();
            };
            if (point.afterAcknowledged() == 0) {
                load.triggerWhenFirstSent(kill);
            } else {
                load.triggerWhenAcknowledged(point.afterAcknowledged(), kill);
            }
            load.start();
            await("kill point " + point.name())
                    .atMost(Duration.ofMinutes(2))
                    .failFast("every load thread stopped before the kill point", () -> !load.running() && !load.triggered())
                    .until(load::triggered);
            assertThat(gravix.awaitExit(Duration.ofSeconds(60))).as("exit status after SIGKILL").isEqualTo(GravixProcess.EXIT_SIGKILL);
            load.stopAndJoin(Duration.ofSeconds(90));
        } finally {
            gravix.close();
        }
        assertThat(load.errors()).as("load errors").isEmpty();
        List<Outcome> unexpected = load.outcomes().stream()
                .filter(o -> o.failure() == null ? !o.acknowledged() : !o.endedAfterMark())
                .collect(Collectors.toList());
        assertThat(unexpected).as("answers other than 202, and transport failures before the kill").isEmpty();
        List<SentRequest> acknowledged = load.acknowledged();
        List<SentRequest> sent = load.sent();
        assertThat(acknowledged).as("acknowledged requests").hasSizeGreaterThanOrEqualTo(point.afterAcknowledged());

        // What the crash left: every acknowledged frame is already complete on disk.
        SpoolSnapshot afterCrash = SpoolSnapshot.read(dataDir);
        afterCrash.assertHoldsEveryAcknowledgedRequest(acknowledged, sent);
        if (point.afterKill() == AfterKill.TEAR_OPEN_FILE) {
            appendHalfAFrame(afterCrash);
            afterCrash = SpoolSnapshot.read(dataDir);
            assertThat(afterCrash.tailBytes()).as("torn bytes after the injected partial frame").isPositive();
        }

        // 2. Restart on the same data directory: recovery runs before /ready.
        List<SentRequest> fresh = new ArrayList<>();
        long tornBytesTruncated;
        SpoolSnapshot recovered;
        GravixProcess restarted = GravixProcess.start(dataDir, logs.resolve("2-restarted.log"), spoolOnly(point.jvmOptions()));
        try {
            recovered = SpoolSnapshot.read(dataDir);
            recovered.assertAllSealedAndClean();
            recovered.assertHoldsEveryAcknowledgedRequest(acknowledged, sent);
            assertThat(recovered.requestKeys()).as("recovery keeps every frame that was complete on disk").isEqualTo(afterCrash.requestKeys());
            tornBytesTruncated = restarted.tornBytesTruncated();
            assertThat(tornBytesTruncated).as("torn-tail bytes recovery reports cutting vs the bytes after the last valid frames after the crash")
                    .isEqualTo(afterCrash.tailBytes());

            // 3. The restarted server takes new requests, on both endpoints, in every body form.
            IngestClient client = new IngestClient(restarted.ingestBase());
            Random random = new Random(point.name().hashCode());
            for (Table table : Table.values()) {
                for (BodyForm form : BodyForm.values()) {
                    SentRequest request = requestAfterRestart(random, table, form, point.name() + "-after-restart-" + fresh.size());
                    HttpResponse<String> response = client.send(request);
                    assertThat(IngestClient.isAcknowledgement(response.statusCode(), response.body(), request))
                            .as("answer to %s after restart: %s %s", request, response.statusCode(), response.body()).isTrue();
                    fresh.add(request);
                }
            }
            restarted.terminate();
            assertThat(restarted.awaitExit(Duration.ofSeconds(90))).as("exit status after SIGTERM").isEqualTo(GravixProcess.EXIT_SIGTERM);
        } finally {
            restarted.close();
        }

        // 4. After a clean stop: everything, including the new requests, sealed, clean and indexed.
        SpoolSnapshot stopped = SpoolSnapshot.read(dataDir);
        stopped.assertAllSealedAndClean();
        stopped.assertHoldsEveryAcknowledgedRequest(concat(acknowledged, fresh), concat(sent, fresh));
        stopped.assertIndexAgrees();

        Set<String> acknowledgedKeys = acknowledged.stream().map(SentRequest::key).collect(Collectors.toSet());
        long unacknowledgedKept = recovered.requestKeys().stream().filter(k -> !acknowledgedKeys.contains(k)).count();
        report(String.format("%-36s kill after %4d acks | sent %5d, acknowledged %5d (%6d events), failed in transport %3d, kept unacknowledged %3d"
                        + " | after crash: %s, tail bytes %d | recovery truncated %d torn bytes -> %s",
                point.name(), point.afterAcknowledged(), sent.size(), acknowledged.size(),
                acknowledged.stream().mapToLong(r -> r.events().size()).sum(),
                load.outcomes().stream().filter(o -> o.failure() != null).count(), unacknowledgedKept,
                afterCrash, afterCrash.tailBytes(), tornBytesTruncated, recovered));
    }

    /** Appends the first half of a frame no client sent to an open file: a write cut short by the crash. */
    private static void appendHalfAFrame(SpoolSnapshot afterCrash) throws IOException {
        SpoolSnapshot.FileScan open = afterCrash.openFiles().stream()
                .filter(f -> f.result() != null && f.result().tail() == SpoolFileScanner.Tail.CLEAN)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no open spool file with a clean tail to tear: " + afterCrash.files()));
        Random random = new Random(7);
        byte[] payload;
        if (open.table() == Table.REQUEST_FACTS) {
            RequestFactRecord.Builder r = RequestFactRecord.newBuilder().setSource("torn").setIngestedAtMicros(1);
            for (int i = 0; i < 20; i++) {
                r.addFacts(IngestClient.randomRequestFact(random, "torn-" + i));
            }
            payload = r.build().toByteArray();
        } else {
            ServiceEventRecord.Builder r = ServiceEventRecord.newBuilder().setSource("torn").setIngestedAtMicros(1);
            for (int i = 0; i < 20; i++) {
                r.addEvents(IngestClient.randomServiceEvent(random, "torn-" + i));
            }
            payload = r.build().toByteArray();
        }
        byte[] frame = SpoolFile.encodeFrame(payload);
        Files.write(open.file(), Arrays.copyOf(frame, frame.length / 2), StandardOpenOption.APPEND);
    }

    private static SentRequest requestAfterRestart(Random random, Table table, BodyForm form, String idPrefix) {
        int count = form == BodyForm.JSON_OBJECT ? 1 : 5;
        List<com.google.protobuf.Message> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = idPrefix + "-" + i;
            events.add(table == Table.REQUEST_FACTS ? IngestClient.randomRequestFact(random, id) : IngestClient.randomServiceEvent(random, id));
        }
        return new SentRequest(table, form, events);
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** One line per round in target/crash-it/summary.txt (and stdout): what was killed when, and what recovery did. */
    private static void report(String line) throws IOException {
        System.out.println("SpoolCrashIT: " + line);
        Path summary = GravixProcess.targetDirectory().resolve("crash-it").resolve("summary.txt");
        Files.createDirectories(summary.getParent());
        Files.writeString(summary, line + System.lineSeparator(), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}

package io.gravix.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dropwizard.testing.DropwizardTestSupport;
import io.gravix.GravixConfiguration;
import io.gravix.store.LocalObjectStore;
import io.gravix.store.ObjectStore;
import io.gravix.store.S3StoreConfig;
import io.gravix.testing.GravixTestApp;
import io.gravix.testing.HandMadeLake;
import io.gravix.testing.LoadgenProcess;
import io.gravix.testing.S3ProxyServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code java -jar gravix.jar loadgen --verify} as a real process (the shaded jar: its
 * Parquet reading runs without Hadoop) against a lake made by hand with the real writer
 * and put through the real store: local, and S3 on a real S3Proxy. The events go to an
 * in-process Gravix; its own rollup writes to its own data directory, which these tests
 * do not read: the lake loadgen reads (named by {@code --config} and the environment, as
 * an operator would) holds exactly what each test put there, so every verdict is known.
 */
class LoadgenVerifyIT {
    private static final int EVENTS = 1_000;
    private static final AtomicInteger RUNS = new AtomicInteger();

    private static DropwizardTestSupport<GravixConfiguration> gravix;
    private static S3ProxyServer s3;
    private static S3Client s3Admin;
    private static Path work;

    private String runTag;

    @BeforeAll
    static void start() throws Exception {
        work = GravixTestApp.newDataDir("loadgen-verify");
        gravix = GravixTestApp.support(work.resolve("server"));
        gravix.before();
        s3 = S3ProxyServer.start(Files.createDirectories(work.resolve("s3proxy")));
        s3Admin = S3Client.builder()
                .endpointOverride(s3.endpoint())
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY)))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .build();
        // For the in-process S3ObjectStore that makes the lake: the SDK's default chain reads these first.
        System.setProperty("aws.accessKeyId", S3ProxyServer.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", S3ProxyServer.SECRET_KEY);
    }

    @AfterAll
    static void stop() {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
        if (s3Admin != null) {
            s3Admin.close();
        }
        if (s3 != null) {
            s3.close();
        }
        if (gravix != null) {
            gravix.after();
        }
    }

    @BeforeEach
    void newRun() {
        runTag = "lgit" + RUNS.incrementAndGet() + "x" + Long.toString(System.nanoTime(), 36);
        awaitSafelyInsideAnHour();
    }

    /**
     * The hand-made rows sit in the hour partition of the moment the test writes them, and
     * loadgen reads the partitions from the moment it makes its events: both must be the
     * same hour. A run takes seconds, so starting at least a minute before the hour ends is enough.
     */
    private static void awaitSafelyInsideAnHour() {
        await("a minute left in this hour").atMost(Duration.ofSeconds(70)).pollInterval(Duration.ofMillis(500))
                .until(() -> Instant.now().atZone(ZoneOffset.UTC).getMinute() < 59);
    }

    private List<String> ids(int from, int to) {
        return IntStream.range(from, to).mapToObj(n -> runTag + "-" + n).toList();
    }

    private LoadgenProcess.Result loadgen(Map<String, String> env, String verifyTimeout, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "--url", "http://127.0.0.1:" + gravix.getLocalPort(),
                "--api-key", GravixTestApp.API_KEY,
                "--events", Integer.toString(EVENTS), "--batch", "100", "--concurrency", "2", "--format", "protobuf",
                "--run-tag", runTag,
                "--verify", "--config", shippedConfig().toString(), "--verify-timeout", verifyTimeout));
        args.addAll(List.of(more));
        return LoadgenProcess.run(work.resolve("logs").resolve(runTag + ".log"), env, Duration.ofMinutes(2), args);
    }

    private static Path shippedConfig() {
        return Path.of(System.getProperty("gravix.config", "../config.yml")).toAbsolutePath();
    }

    // --- local lake -------------------------------------------------------------------------

    private Map<String, String> localLake(Path dataDir) {
        return Map.of("GRAVIX_DATA_DIR", dataDir.toString());
    }

    @Test
    void aLocalLakeHoldingEveryAcknowledgedEventOncePasses() throws Exception {
        Path dataDir = work.resolve(runTag);
        HandMadeLake lake = new HandMadeLake(new LocalObjectStore(dataDir.resolve("lake")), work.resolve("tmp"));
        lake.putRequestFacts(Instant.now(), ids(0, 600));
        lake.putRequestFacts(Instant.now(), ids(600, EVENTS));
        lake.putRequestFacts(Instant.now(), List.of("another-run-1", runTag + "0-1")); // other runs' ids are no business of this run

        LoadgenProcess.Result run = loadgen(localLake(dataDir), "30s");

        assertThat(run.exitStatus()).as("exit status; output:%n%s", run.output()).isZero();
        assertThat(run.output())
                .contains("sent events     : 1000 distinct + 0 duplicates")
                .contains("rollup-now: not called")
                .contains("request_facts, 3 files, 1000 rows of run " + runTag)
                .contains("verify          : expected 1000, found 1000, missing 0, duplicated 0 (0 extra rows), unexpected 0")
                .contains("unacknowledged  : 0")
                .contains("verify result   : OK");
    }

    @Test
    void aLocalLakeWithMissingDuplicatedAndUnexpectedRowsFails() throws Exception {
        Path dataDir = work.resolve(runTag);
        HandMadeLake lake = new HandMadeLake(new LocalObjectStore(dataDir.resolve("lake")), work.resolve("tmp"));
        lake.putRequestFacts(Instant.now(), ids(1, EVENTS));
        lake.putRequestFacts(Instant.now(), List.of(runTag + "-500", runTag + "-" + EVENTS));

        LoadgenProcess.Result run = loadgen(localLake(dataDir), "2s");

        assertThat(run.exitStatus()).as("exit status; output:%n%s", run.output()).isEqualTo(1);
        assertThat(run.output())
                .contains("verify          : expected 1000, found 999, missing 1, duplicated 1 (1 extra rows), unexpected 1")
                .contains("e.g. missing   : " + runTag + "-0")
                .contains("e.g. duplicated: " + runTag + "-500")
                .contains("e.g. unexpected: " + runTag + "-1000")
                .contains("verify result   : FAILED")
                .contains("loadgen: verification failed: 1 missing, 1 duplicated, 1 unexpected");
    }

    @Test
    void aRunWhoseEventsWereAllRefusedFails() throws Exception {
        Path dataDir = work.resolve(runTag);

        LoadgenProcess.Result run = loadgen(localLake(dataDir), "1s", "--api-key", "not-a-key");

        assertThat(run.exitStatus()).as("exit status; output:%n%s", run.output()).isEqualTo(1);
        assertThat(run.output())
                .contains("statuses {401=10}")
                .contains("unacknowledged  : 1000")
                .contains("loadgen: verification failed: no event was acknowledged");
    }

    // --- S3 lake ----------------------------------------------------------------------------

    /** A new bucket; the environment that makes the shipped config.yml point at it, as it would for the server. */
    private Map<String, String> s3Lake(String bucket) {
        s3Admin.createBucket(b -> b.bucket(bucket));
        Map<String, String> env = new HashMap<>();
        env.put("GRAVIX_STORE", "s3");
        env.put("GRAVIX_S3_BUCKET", bucket);
        env.put("GRAVIX_S3_PREFIX", "gravix/lake");
        env.put("GRAVIX_S3_ENDPOINT", s3.endpoint().toString());
        env.put("AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY);
        env.put("AWS_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY);
        return env;
    }

    private static ObjectStore s3Store(String bucket) {
        S3StoreConfig config = new S3StoreConfig();
        config.setBucket(bucket);
        config.setPrefix("gravix/lake");
        config.setEndpoint(s3.endpoint());
        return config.build(Path.of("unused"));
    }

    @Test
    void anS3LakeHoldingEveryAcknowledgedEventOncePasses() throws Exception {
        String bucket = "lake-" + RUNS.get();
        Map<String, String> env = s3Lake(bucket);
        try (ObjectStore store = s3Store(bucket)) {
            new HandMadeLake(store, work.resolve("tmp")).putRequestFacts(Instant.now(), ids(0, EVENTS));
        }

        LoadgenProcess.Result run = loadgen(env, "30s");

        assertThat(run.exitStatus()).as("exit status; output:%n%s", run.output()).isZero();
        assertThat(run.output())
                .contains("request_facts, 1 files, 1000 rows of run " + runTag)
                .contains("verify          : expected 1000, found 1000, missing 0, duplicated 0 (0 extra rows), unexpected 0")
                .contains("verify result   : OK");
    }

    @Test
    void anS3LakeWithADuplicatedEventFails() throws Exception {
        String bucket = "lake-" + RUNS.get();
        Map<String, String> env = s3Lake(bucket);
        try (ObjectStore store = s3Store(bucket)) {
            HandMadeLake lake = new HandMadeLake(store, work.resolve("tmp"));
            lake.putRequestFacts(Instant.now(), ids(0, EVENTS));
            lake.putRequestFacts(Instant.now(), ids(990, 993)); // as if a rollup run had been written twice under two keys
        }

        LoadgenProcess.Result run = loadgen(env, "30s");

        assertThat(run.exitStatus()).as("exit status; output:%n%s", run.output()).isEqualTo(1);
        assertThat(run.output())
                .contains("verify          : expected 1000, found 1000, missing 0, duplicated 3 (3 extra rows), unexpected 0")
                .contains("loadgen: verification failed: 0 missing, 3 duplicated, 0 unexpected");
    }

    @Test
    void aLakeThatCannotBeReadStopsTheRunBeforeAnyEventIsSent() throws Exception {
        Map<String, String> env = new HashMap<>(s3Lake("lake-" + RUNS.get()));
        env.put("GRAVIX_S3_BUCKET", "no-such-bucket");

        LoadgenProcess.Result run = loadgen(env, "30s");

        assertThat(run.exitStatus()).as("exit status; output:%n%s", run.output()).isEqualTo(1);
        assertThat(run.output()).contains("loadgen: --verify: cannot list the lake").contains("no-such-bucket")
                .doesNotContain("sent events");
    }

    // --- rollup-now against a real server ---------------------------------------------------

    @Test
    void rollupNowRunsWithTheAdminTokenAndIsReportedWhenRefused() throws Exception {
        URI admin = URI.create("http://127.0.0.1:" + gravix.getAdminPort());

        String ran = new RollupTrigger(admin, GravixTestApp.ADMIN_TOKEN, Duration.ofSeconds(60)).trigger();
        String refused = new RollupTrigger(admin, "wrong-token", Duration.ofSeconds(60)).trigger();

        assertThat(ran).startsWith("rollup-now: ").contains(" runs, ").contains(" duplicates dropped, ");
        assertThat(refused).contains("answered 401").contains("waiting for the scheduled rollup");
    }
}

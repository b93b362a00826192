package io.gravix;

import static org.assertj.core.api.Assertions.assertThat;

import io.gravix.spool.GravixProcess;
import io.gravix.testing.GravixTestApp;
import io.gravix.testing.LoadgenProcess;
import io.gravix.testing.S3ProxyServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The guarantee of DESIGN.md §6 end to end, with nothing in-process: the shaded jar as the
 * server, configured by environment variables alone (the shipped config.yml) to roll up into
 * a real S3-compatible store (S3Proxy), and the same jar as {@code loadgen --verify}, which
 * sends 100,000 events plus 5 % client retries, asks for {@code rollup-now}, reads the lake
 * back through the same store and exits 0 only if every acknowledged event is there exactly
 * once. Logs: {@code target/lake-e2e/}.
 */
class LakeEndToEndIT {
    private static final String BUCKET = "gravix-lake";

    @Test
    void aHundredThousandEventsWithFivePercentRetriesLandInS3ExactlyOnce() throws Exception {
        Path work = GravixTestApp.newDataDir("lake-e2e");
        Path logs = GravixProcess.targetDirectory().resolve("lake-e2e");
        try (S3ProxyServer s3 = S3ProxyServer.start(Files.createDirectories(work.resolve("s3proxy")))) {
            createBucket(s3);
            Map<String, String> s3Lake = Map.of(
                    "GRAVIX_STORE", "s3",
                    "GRAVIX_S3_BUCKET", BUCKET,
                    "GRAVIX_S3_PREFIX", "gravix/lake",
                    "GRAVIX_S3_ENDPOINT", s3.endpoint().toString(),
                    "AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY,
                    "AWS_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY);

            try (GravixProcess gravix = GravixProcess.start(work.resolve("data"), logs.resolve("gravix.log"), List.of(), s3Lake)) {
                LoadgenProcess.Result run = LoadgenProcess.run(logs.resolve("loadgen.log"), s3Lake, Duration.ofMinutes(3), List.of(
                        "--url", gravix.ingestBase().toString(),
                        "--admin-url", gravix.adminUri("").toString(),
                        "--api-key", GravixProcess.API_KEY,
                        "--admin-token", GravixProcess.ADMIN_TOKEN,
                        "--events", "100000", "--batch", "500", "--format", "protobuf",
                        "--duplicate-ratio", "0.05",
                        "--verify", "--config", GravixProcess.config().toAbsolutePath().toString(), "--verify-timeout", "60s"));

                assertThat(run.exitStatus()).as("loadgen exit status; output:%n%s", run.output()).isZero();
                assertThat(run.output())
                        .contains("sent events     : 100000 distinct + 5000 duplicates")
                        .contains("statuses {202=210}")
                        .containsPattern("rollup-now: \\d+ runs, \\d+ events, \\d+ duplicates dropped")
                        .contains("verify          : expected 100000, found 100000, missing 0, duplicated 0 (0 extra rows), unexpected 0")
                        .contains("unacknowledged  : 0 (0 of them in the lake")
                        .contains("verify result   : OK");

                gravix.terminate();
                assertThat(gravix.awaitExit(Duration.ofSeconds(60))).as("exit status after SIGTERM").isEqualTo(GravixProcess.EXIT_SIGTERM);
            }
        }
    }

    private static void createBucket(S3ProxyServer s3) {
        try (S3Client admin = S3Client.builder()
                .endpointOverride(s3.endpoint())
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY)))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .build()) {
            admin.createBucket(b -> b.bucket(BUCKET));
        }
    }
}

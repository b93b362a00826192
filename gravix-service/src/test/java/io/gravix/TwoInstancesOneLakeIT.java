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
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Two Gravix processes, each with its own data directory, on one S3 bucket and prefix
 * (S3Proxy): the multi-replica setup. Both take load with client retries at the same
 * time, each loadgen then has its instance roll up and verifies that every event its
 * instance acknowledged is in the lake exactly once. Their run ids are the same (1, 2, …
 * in each index), so this fails whenever a key does not tell the instances apart: one
 * instance's puts would replace the other's committed files. Logs: {@code target/two-instances/}.
 */
class TwoInstancesOneLakeIT {
    private static final String BUCKET = "gravix-lake";
    private static final String PREFIX = "shared/lake";
    private static final Pattern INSTANCE_OF_KEY = Pattern.compile("/part-([a-z2-7]{12})-\\d+-\\d+\\.parquet$");

    @Test
    void everyEventEitherInstanceAcknowledgedIsInTheSharedLakeExactlyOnce() throws Exception {
        Path work = GravixTestApp.newDataDir("two-instances");
        Path logs = GravixProcess.targetDirectory().resolve("two-instances");
        try (S3ProxyServer s3 = S3ProxyServer.start(Files.createDirectories(work.resolve("s3proxy")));
             S3Client client = client(s3)) {
            client.createBucket(b -> b.bucket(BUCKET));
            Map<String, String> lake = Map.of(
                    "GRAVIX_STORE", "s3",
                    "GRAVIX_S3_BUCKET", BUCKET,
                    "GRAVIX_S3_PREFIX", PREFIX,
                    "GRAVIX_S3_ENDPOINT", s3.endpoint().toString(),
                    "AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY,
                    "AWS_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY);
            try (GravixProcess a = GravixProcess.start(work.resolve("a"), logs.resolve("a.log"), List.of(), lake);
                 GravixProcess b = GravixProcess.start(work.resolve("b"), logs.resolve("b.log"), List.of(), lake)) {
                CompletableFuture<LoadgenProcess.Result> toA = CompletableFuture.supplyAsync(() -> load(a, "ia", lake, logs));
                CompletableFuture<LoadgenProcess.Result> toB = CompletableFuture.supplyAsync(() -> load(b, "ib", lake, logs));
                for (LoadgenProcess.Result run : List.of(toA.get(), toB.get())) {
                    assertThat(run.exitStatus()).as("loadgen exit status; output:%n%s", run.output()).isZero();
                    assertThat(run.output())
                            .contains("sent events     : 20000 distinct + 1000 duplicates")
                            .contains("verify          : expected 20000, found 20000, missing 0, duplicated 0 (0 extra rows), unexpected 0")
                            .contains("verify result   : OK");
                }
            }
            Set<String> instances = new TreeSet<>();
            List<S3Object> objects = client.listObjectsV2Paginator(r -> r.bucket(BUCKET).prefix(PREFIX + "/")).contents().stream().toList();
            for (S3Object o : objects) {
                Matcher m = INSTANCE_OF_KEY.matcher(o.key());
                if (m.find()) {
                    instances.add(m.group(1));
                }
            }
            assertThat(instances).hasSize(2);
            for (String instance : instances) {
                assertThat(objects).extracting(S3Object::key).contains(PREFIX + "/_gravix/instances/" + instance + ".json");
            }
        }
    }

    private static LoadgenProcess.Result load(GravixProcess gravix, String tag, Map<String, String> lake, Path logs) {
        try {
            return LoadgenProcess.run(logs.resolve("loadgen-" + tag + ".log"), lake, Duration.ofMinutes(4), List.of(
                    "--url", gravix.ingestBase().toString(),
                    "--admin-url", gravix.adminUri("").toString(),
                    "--api-key", GravixProcess.API_KEY,
                    "--admin-token", GravixProcess.ADMIN_TOKEN,
                    "--events", "20000", "--batch", "250", "--format", "json",
                    "--duplicate-ratio", "0.05", "--run-tag", tag,
                    "--verify", "--config", GravixProcess.config().toAbsolutePath().toString(), "--verify-timeout", "90s"));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static S3Client client(S3ProxyServer s3) {
        return S3Client.builder()
                .endpointOverride(s3.endpoint())
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY)))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .build();
    }
}

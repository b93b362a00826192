package io.gravix.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.health.HealthCheck;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.gravix.GravixConfiguration;
import io.gravix.store.ObjectStoreException.Reason;
import io.gravix.testing.GravixTestApp;
import io.gravix.testing.S3ProxyServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The ObjectStore contract and the S3-only behaviour (multipart, abort, error
 * classification, prefixes, start-up check) against a real S3-compatible server:
 * S3Proxy 2.6.0 in its own process, started once for this class. Every test gets
 * its own bucket; the contract runs on a store under the prefix {@code gravix/lake},
 * built exactly as Gravix builds it, with credentials from the AWS SDK's default
 * chain (here its system properties).
 */
class S3ObjectStoreIT extends ObjectStoreContractTest {
    private static final String PREFIX = "gravix/lake";
    private static final long MIB = 1024 * 1024;
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    private static S3ProxyServer s3;
    private static S3Client admin;

    private String bucket;
    private S3ObjectStore store;
    private final List<ObjectStore> opened = new java.util.ArrayList<>();

    @BeforeAll
    static void startS3Proxy() throws IOException {
        Path work = Files.createTempDirectory(Files.createDirectories(Path.of("target", "it-data")), "s3proxy-");
        s3 = S3ProxyServer.start(work);
        admin = S3Client.builder()
                .endpointOverride(s3.endpoint())
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(credentials(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .build();
        // The SDK's default credentials chain reads these first (before AWS_* environment variables).
        System.setProperty("aws.accessKeyId", S3ProxyServer.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", S3ProxyServer.SECRET_KEY);
    }

    @AfterAll
    static void stopS3Proxy() {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
        if (admin != null) {
            admin.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    @BeforeEach
    void newBucket() {
        bucket = "bucket-" + BUCKETS.incrementAndGet();
        admin.createBucket(b -> b.bucket(bucket));
        store = config(bucket, PREFIX).build(Path.of("unused"));
        opened.add(store);
    }

    @AfterEach
    void closeStores() {
        opened.forEach(ObjectStore::close);
    }

    @Override
    protected ObjectStore store() {
        return store;
    }

    /** A multipart upload that was started and given a part, but neither completed nor aborted (a crash mid-put). */
    @Override
    protected void leaveUnfinishedPut(String key) {
        String s3Key = PREFIX + "/" + key;
        String uploadId = admin.createMultipartUpload(b -> b.bucket(bucket).key(s3Key)).uploadId();
        admin.uploadPart(b -> b.bucket(bucket).key(s3Key).uploadId(uploadId).partNumber(1), RequestBody.fromString("partial"));
    }

    private static S3StoreConfig config(String bucket, String prefix) {
        S3StoreConfig config = new S3StoreConfig();
        config.setBucket(bucket);
        config.setPrefix(prefix);
        config.setEndpoint(s3.endpoint());
        config.setMultipartThreshold(io.dropwizard.util.DataSize.mebibytes(5));
        config.setMultipartPartSize(io.dropwizard.util.DataSize.mebibytes(5));
        config.setMaxAttempts(3);
        return config;
    }

    private static StaticCredentialsProvider credentials(String accessKey, String secret) {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secret));
    }

    /** A store on {@code config} with the test credentials and an interceptor that counts (and can disturb) requests. */
    private S3ObjectStore storeWith(S3StoreConfig config, SdkCalls calls) {
        return storeWith(config, calls, S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY);
    }

    private S3ObjectStore storeWith(S3StoreConfig config, SdkCalls calls, String accessKey, String secret) {
        S3ObjectStore s = config.build(credentials(accessKey, secret), List.of(calls));
        opened.add(s);
        return s;
    }

    /** Every file S3Proxy keeps for the bucket (objects, and any multipart bookkeeping), relative to the bucket. */
    private List<String> filesInBucket() throws IOException {
        Path dir = s3.blobDirectory().resolve(bucket);
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    private static void truncate(Path file, long size) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void largeFilesGoUpInPartsAndSmallOnesInOnePut() throws IOException {
        SdkCalls calls = new SdkCalls();
        S3ObjectStore s = storeWith(config(bucket, PREFIX), calls);

        s.put("small", file(randomBytes(1000, 1)));
        s.put("large", file(randomBytes(LARGE_FILE_SIZE, 2)));

        assertThat(calls.attempts("PutObject")).isEqualTo(1);
        assertThat(calls.attempts("CreateMultipartUpload")).isEqualTo(1);
        assertThat(calls.attempts("UploadPart")).isEqualTo(3); // 5 + 5 + 2 MiB
        assertThat(calls.attempts("CompleteMultipartUpload")).isEqualTo(1);
        assertThat(read("large")).isEqualTo(randomBytes(LARGE_FILE_SIZE, 2));
        assertThat(admin.headObject(b -> b.bucket(bucket).key(PREFIX + "/large")).contentLength()).isEqualTo(LARGE_FILE_SIZE);
    }

    @Test
    void aFileThatShrinksMidUploadAbortsTheUploadAndPublishesNothing() throws IOException {
        Path local = file(randomBytes(LARGE_FILE_SIZE, 3));
        SdkCalls calls = new SdkCalls().after("UploadPart", n -> {
            if (n == 1) {
                truncate(local, 6 * MIB); // part 2 covers [5 MiB, 10 MiB)
            }
        });
        S3ObjectStore s = storeWith(config(bucket, PREFIX), calls);

        assertThatThrownBy(() -> s.put("shrunk", local))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(local.toString())
                .hasMessageContaining("must not change");

        assertThat(calls.attempts("CompleteMultipartUpload")).isZero();
        assertThat(calls.attempts("AbortMultipartUpload")).isEqualTo(1);
        assertThat(s.exists("shrunk")).isFalse();
        assertThat(s.list("")).isEmpty();
        assertThat(admin.listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();
        assertThat(filesInBucket()).isEmpty();
    }

    @Test
    void aFailureBeforeCompletionAbortsAndKeepsThePreviousObject() throws IOException {
        store.put("t/part-1-0.parquet", file("previous"));
        SdkCalls calls = new SdkCalls().before("CompleteMultipartUpload", n -> {
            throw new IllegalStateException("injected failure before completing the upload");
        });
        S3ObjectStore s = storeWith(config(bucket, PREFIX), calls);

        assertThatThrownBy(() -> s.put("t/part-1-0.parquet", file(randomBytes(LARGE_FILE_SIZE, 4))))
                .hasMessageContaining("injected failure");

        assertThat(calls.attempts("UploadPart")).isEqualTo(3);
        assertThat(calls.attempts("AbortMultipartUpload")).isEqualTo(1);
        assertThat(read("t/part-1-0.parquet")).asString(StandardCharsets.UTF_8).isEqualTo("previous");
        assertThat(admin.listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();
        assertThat(filesInBucket()).containsExactly(PREFIX + "/t/part-1-0.parquet");
    }

    @Test
    void aFileDeletedMidUploadIsStillUploadedWhole() throws IOException {
        byte[] content = randomBytes(LARGE_FILE_SIZE, 5);
        Path local = file(content);
        SdkCalls calls = new SdkCalls().after("UploadPart", n -> {
            try {
                Files.deleteIfExists(local);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });

        storeWith(config(bucket, PREFIX), calls).put("whole", local);

        assertThat(local).doesNotExist();
        assertThat(read("whole")).isEqualTo(content);
    }

    @Test
    void aMissingBucketFailsEveryOperationAtOnceNamingTheBucket() throws IOException {
        SdkCalls calls = new SdkCalls();
        S3ObjectStore s = storeWith(config("no-such-bucket", PREFIX), calls);
        Path small = file("x");
        Path large = file(randomBytes(LARGE_FILE_SIZE, 6));

        List<ThrowingCall> operations = List.of(s::verify, () -> s.put("k", small), () -> s.put("k", large),
                () -> s.open("k").close(), () -> s.list(""), () -> s.exists("k"), () -> s.delete("k"));
        for (ThrowingCall operation : operations) {
            int before = calls.totalAttempts();
            assertThatThrownBy(operation::call)
                    .isInstanceOfSatisfying(ObjectStoreException.class, e -> {
                        assertThat(e.reason()).as(e.getMessage()).isEqualTo(Reason.NO_SUCH_BUCKET);
                        assertThat(e.isConfigurationError()).isTrue();
                    })
                    .hasMessageContaining("bucket 'no-such-bucket' does not exist")
                    .hasMessageContaining("s3://no-such-bucket/" + PREFIX + "/");
            assertThat(calls.totalAttempts() - before).as("attempts: a missing bucket is not retried").isBetween(1, 2);
        }
        assertThat(calls.attempts("UploadPart")).isZero();
    }

    @Test
    void aWrongSecretIsReportedAsBadCredentialsWithoutRetriesOrSecrets() throws IOException {
        String wrongSecret = "not-the-secret-0123456789";
        SdkCalls calls = new SdkCalls();
        S3ObjectStore s = storeWith(config(bucket, PREFIX), calls, S3ProxyServer.ACCESS_KEY, wrongSecret);
        Path small = file(randomBytes((int) MIB, 7));
        Path large = file(randomBytes(LARGE_FILE_SIZE, 8));

        // Requests without a body get the 403 at once and are not retried.
        for (ThrowingCall operation : List.<ThrowingCall>of(s::verify, () -> s.put("k", large), () -> s.list(""))) {
            int before = calls.totalAttempts();
            assertBadCredentials(operation, wrongSecret);
            assertThat(calls.totalAttempts() - before).as("attempts").isEqualTo(1);
        }
        // A HEAD answer has no body to say which credential problem it is: a 403 is "access denied".
        assertThatThrownBy(() -> s.exists("k"))
                .isInstanceOfSatisfying(ObjectStoreException.class, e -> {
                    assertThat(e.reason()).as(e.getMessage()).isEqualTo(Reason.ACCESS_DENIED);
                    assertThat(e.isConfigurationError()).isTrue();
                })
                .hasMessageContaining("bucket '" + bucket + "'");
        // A PUT with a body: S3Proxy sends "100 Continue", reads some of the body, answers 403 and
        // closes the connection, so the client sees a broken pipe (retried, as a network error is);
        // the put then asks why with a request without a body. (AWS S3 refuses before "100 Continue".)
        // Whether the pipe breaks before the 403 is read is a race: the diagnosis list runs only then.
        int before = calls.totalAttempts();
        assertBadCredentials(() -> s.put("k", small), wrongSecret);
        assertThat(calls.attempts("ListObjectsV2")).isBetween(2, 3);
        assertThat(calls.totalAttempts() - before).as("attempts").isLessThanOrEqualTo(3 + 1);

        assertThat(filesInBucket()).isEmpty();
    }

    private void assertBadCredentials(ThrowingCall operation, String secret) {
        assertThatThrownBy(operation::call)
                .isInstanceOfSatisfying(ObjectStoreException.class, e -> assertThat(e.reason()).as(e.getMessage()).isEqualTo(Reason.BAD_CREDENTIALS))
                .hasMessageContaining("rejected the credentials for bucket '" + bucket + "'")
                .hasMessageContaining("SignatureDoesNotMatch")
                .hasMessageNotContaining(secret);
    }

    @Test
    void anUnknownAccessKeyIsReportedAsBadCredentials() {
        S3ObjectStore s = storeWith(config(bucket, PREFIX), new SdkCalls(), "unknown-access-key", S3ProxyServer.SECRET_KEY);

        assertThatThrownBy(s::verify)
                .isInstanceOfSatisfying(ObjectStoreException.class, e -> assertThat(e.reason()).as(e.getMessage()).isEqualTo(Reason.BAD_CREDENTIALS))
                .hasMessageContaining("InvalidAccessKeyId")
                .hasMessageContaining(bucket);
    }

    @Test
    void anUnreachableEndpointIsRetriedThenReportedUnavailable() throws IOException {
        S3StoreConfig config = config(bucket, PREFIX);
        config.setEndpoint(URI.create("http://127.0.0.1:" + closedPort()));
        SdkCalls calls = new SdkCalls();
        S3ObjectStore s = storeWith(config, calls);

        assertThatThrownBy(s::verify)
                .isInstanceOfSatisfying(ObjectStoreException.class, e -> {
                    assertThat(e.reason()).as(e.getMessage()).isEqualTo(Reason.UNAVAILABLE);
                    assertThat(e.isConfigurationError()).isFalse();
                })
                .hasMessageContaining("no answer from " + config.getEndpoint());
        assertThat(calls.attempts("ListObjectsV2")).isEqualTo(3); // maxAttempts
    }

    @Test
    void prefixesSeparateStoresSharingABucket() throws IOException {
        ObjectStore first = storeWith(config(bucket, "tenant-1"), new SdkCalls());
        ObjectStore second = storeWith(config(bucket, "/tenant-2/"), new SdkCalls());
        ObjectStore whole = storeWith(config(bucket, null), new SdkCalls());

        first.put("t/k", file("one"));
        second.put("t/k", file("two"));

        assertThat(first.list("")).extracting(ObjectInfo::key).containsExactly("t/k");
        assertThat(second.list("t/")).extracting(ObjectInfo::key).containsExactly("t/k");
        assertThat(whole.list("")).extracting(ObjectInfo::key).containsExactly("tenant-1/t/k", "tenant-2/t/k");
        try (InputStream in = second.open("t/k")) {
            assertThat(in.readAllBytes()).asString(StandardCharsets.UTF_8).isEqualTo("two");
        }
        first.delete("t/k");
        assertThat(second.exists("t/k")).isTrue();
        assertThat(admin.headObject(b -> b.bucket(bucket).key("tenant-2/t/k")).contentLength()).isEqualTo(3);
    }

    @Test
    void namesThatAreNotKeysAreNotListed() throws IOException {
        store.put("t/ok", file("ok"));
        admin.putObject(b -> b.bucket(bucket).key(PREFIX + "/t/folder/"), RequestBody.empty()); // a console's folder marker
        admin.putObject(b -> b.bucket(bucket).key(PREFIX + "/t/with space"), RequestBody.fromString("x"));

        assertThat(keys("")).containsExactly("t/ok");
    }

    @Test
    void gravixStartsOnTheS3StoreAndReportsItHealthy() throws Exception {
        DropwizardTestSupport<GravixConfiguration> app = GravixTestApp.support(GravixTestApp.newDataDir("s3-store"),
                s3Overrides(bucket));
        app.before();
        try {
            HealthCheck.Result result = app.getEnvironment().healthChecks().runHealthCheck("store");
            assertThat(result.isHealthy()).as(result.toString()).isTrue();
            assertThat(result.getMessage()).contains("s3://" + bucket + "/" + PREFIX + "/");
        } finally {
            app.after();
        }
    }

    @Test
    void gravixRefusesToStartWhenTheBucketIsMissing() {
        DropwizardTestSupport<GravixConfiguration> app = GravixTestApp.support(GravixTestApp.newDataDir("s3-store"),
                s3Overrides("missing-bucket"));
        try {
            assertThatThrownBy(app::before)
                    .isInstanceOf(ObjectStoreException.class)
                    .hasMessageContaining("bucket 'missing-bucket' does not exist");
        } finally {
            app.after();
        }
    }

    private static ConfigOverride[] s3Overrides(String bucket) {
        return new ConfigOverride[] {
            ConfigOverride.config("store.type", "s3"),
            ConfigOverride.config("store.bucket", bucket),
            ConfigOverride.config("store.prefix", PREFIX),
            ConfigOverride.config("store.endpoint", s3.endpoint().toString()),
        };
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @FunctionalInterface
    private interface ThrowingCall {
        void call() throws Exception;
    }
}

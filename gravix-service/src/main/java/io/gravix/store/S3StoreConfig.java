package io.gravix.store;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.DataSize;
import io.dropwizard.util.DataSizeUnit;
import io.dropwizard.validation.MaxDataSize;
import io.dropwizard.validation.MinDataSize;
import io.dropwizard.validation.ValidationMethod;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * {@code store: {type: s3}}: the lake is a bucket (under an optional key prefix) of
 * AWS S3 or any S3-compatible store. Credentials are never configured here: they come
 * from the AWS SDK's default chain (the environment variables {@code AWS_ACCESS_KEY_ID}
 * and {@code AWS_SECRET_ACCESS_KEY}, Java system properties, a profile, web identity,
 * container or instance role). The {@code directory} key of the local type is accepted
 * and ignored, see {@link StoreConfig}.
 */
@JsonIgnoreProperties({"directory"})
public final class S3StoreConfig implements StoreConfig {
    /** Backoff between attempts: exponential with full jitter, from 100 ms up to 20 s; 1 s up for throttling. */
    static final Duration BACKOFF_BASE = Duration.ofMillis(100);
    static final Duration THROTTLING_BACKOFF_BASE = Duration.ofSeconds(1);
    static final Duration BACKOFF_MAX = Duration.ofSeconds(20);

    @NotEmpty
    private String bucket;

    /** Key prefix inside the bucket ({@code gravix/lake}); unset or empty means the bucket's root. */
    private String prefix;

    /** Endpoint of an S3-compatible store ({@code http://minio:9000}); unset means AWS S3. */
    private URI endpoint;

    @NotEmpty
    private String region = "us-east-1";

    /** Path-style URLs ({@code endpoint/bucket/key}); unset means: yes when an endpoint is set (MinIO, S3Proxy), no for AWS. */
    private Boolean pathStyleAccess;

    /** Files of at least this size are uploaded in parts (each part retried on its own). */
    @NotNull
    @MinDataSize(value = 5, unit = DataSizeUnit.MEBIBYTES)
    @MaxDataSize(value = 5, unit = DataSizeUnit.GIBIBYTES)
    private DataSize multipartThreshold = DataSize.mebibytes(64);

    /** Size of each part of a multipart upload (S3 needs at least 5 MiB). */
    @NotNull
    @MinDataSize(value = 5, unit = DataSizeUnit.MEBIBYTES)
    @MaxDataSize(value = 5, unit = DataSizeUnit.GIBIBYTES)
    private DataSize multipartPartSize = DataSize.mebibytes(16);

    /** Attempts per request, the first included, for errors the SDK deems retryable (network, 5xx, throttling). */
    @Min(1)
    @Max(20)
    private int maxAttempts = 5;

    @JsonProperty
    public String getBucket() { return bucket; }
    @JsonProperty
    public void setBucket(String v) { bucket = v; }
    @JsonProperty
    public String getPrefix() { return prefix; }
    @JsonProperty
    public void setPrefix(String v) { prefix = v; }
    @JsonProperty
    public URI getEndpoint() { return endpoint; }
    @JsonProperty
    public void setEndpoint(URI v) { endpoint = v; }
    @JsonProperty
    public String getRegion() { return region; }
    @JsonProperty
    public void setRegion(String v) { region = v; }
    @JsonProperty
    public Boolean getPathStyleAccess() { return pathStyleAccess; }
    @JsonProperty
    public void setPathStyleAccess(Boolean v) { pathStyleAccess = v; }
    @JsonProperty
    public DataSize getMultipartThreshold() { return multipartThreshold; }
    @JsonProperty
    public void setMultipartThreshold(DataSize v) { multipartThreshold = v; }
    @JsonProperty
    public DataSize getMultipartPartSize() { return multipartPartSize; }
    @JsonProperty
    public void setMultipartPartSize(DataSize v) { multipartPartSize = v; }
    @JsonProperty
    public int getMaxAttempts() { return maxAttempts; }
    @JsonProperty
    public void setMaxAttempts(int v) { maxAttempts = v; }

    /** The prefix as the store uses it: "" or segments ending in {@code /}; surrounding slashes are tolerated. */
    public String keyPrefix() {
        String p = prefix == null ? "" : prefix.strip();
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.isEmpty() ? "" : p + "/";
    }

    public boolean effectivePathStyleAccess() {
        return pathStyleAccess != null ? pathStyleAccess : endpoint != null;
    }

    @ValidationMethod(message = "prefix must be '/'-separated segments of A-Z a-z 0-9 . _ = + - (none empty, none starting with '.')")
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isPrefixValid() {
        String p = keyPrefix();
        return p.isEmpty() || ObjectKeys.isValidKey(p.substring(0, p.length() - 1));
    }

    @ValidationMethod(message = "endpoint must be an absolute http or https URI such as http://127.0.0.1:9000")
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isEndpointValid() {
        return endpoint == null || (endpoint.isAbsolute() && endpoint.getHost() != null
                && ("http".equals(endpoint.getScheme()) || "https".equals(endpoint.getScheme())));
    }

    @Override
    public S3ObjectStore build(Path dataDir) {
        return build(DefaultCredentialsProvider.builder().build(), List.of());
    }

    /** For tests: explicit credentials and SDK interceptors (to count or fail requests). */
    S3ObjectStore build(AwsCredentialsProvider credentials, List<ExecutionInterceptor> interceptors) {
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(region))
                .credentialsProvider(credentials)
                // Apache HttpClient 5, chosen explicitly rather than by class-path lookup. It closes the
                // connection of a request whose body fails, so an abort that follows finds no part
                // still being written; with the JDK's HttpURLConnection (url-connection-client) the
                // socket lingered and S3Proxy refused the abort (S3ObjectStoreIT's shrinking-file test).
                .httpClientBuilder(Apache5HttpClient.builder())
                .forcePathStyle(effectivePathStyleAccess())
                // Checksums only where S3 requires them. The SDK's default (CRC32 trailers on every
                // upload) is refused by S3-compatible stores that lack flexible checksums: S3Proxy
                // 2.6.0 answers XAmzContentSHA256Mismatch. Uploads stay signed (SigV4).
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(o -> o
                        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                .maxAttempts(maxAttempts)
                                .backoffStrategy(BackoffStrategy.exponentialDelay(BACKOFF_BASE, BACKOFF_MAX))
                                .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(THROTTLING_BACKOFF_BASE, BACKOFF_MAX))
                                .build())
                        .executionInterceptors(interceptors));
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        return new S3ObjectStore(builder.build(), bucket, keyPrefix(), multipartThreshold.toBytes(), multipartPartSize.toBytes(),
                endpoint == null ? "AWS S3" : endpoint.toString(), region);
    }
}

package io.gravix.spool;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.DataSize;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MaxDataSize;
import io.dropwizard.validation.MaxDuration;
import io.dropwizard.validation.MinDataSize;
import io.dropwizard.validation.MinDuration;
import jakarta.validation.constraints.NotNull;
import java.util.concurrent.TimeUnit;

/** The {@code spool:} block of the configuration. Defaults suit a laptop. */
public final class SpoolConfig {
    /** Seal the open file once it reaches this size. */
    @NotNull
    @MinDataSize(1024)
    @MaxDataSize(value = 1, unit = io.dropwizard.util.DataSizeUnit.GIBIBYTES)
    private DataSize maxFileSize = DataSize.mebibytes(64);

    /** Seal the open file once it is this old, so rollup sees events soon. */
    @NotNull
    @MinDuration(value = 100, unit = TimeUnit.MILLISECONDS)
    private Duration maxFileAge = Duration.seconds(10);

    /** Group commit: flush once this many bytes are gathered. */
    @NotNull
    @MinDataSize(1)
    private DataSize flushMaxBytes = DataSize.mebibytes(8);

    /** Group commit: flush once the oldest gathered frame has waited this long, even if more keep coming. */
    @NotNull
    @MaxDuration(value = 1, unit = TimeUnit.SECONDS)
    private Duration flushMaxWait = Duration.milliseconds(10);

    /**
     * Group commit: with its queue empty, the writer waits up to this long for
     * requests that are already being decoded, so one fsync covers them too.
     * It never waits when no other request is in progress. 0 disables.
     */
    @NotNull
    @MaxDuration(value = 100, unit = TimeUnit.MILLISECONDS)
    private Duration flushLinger = Duration.milliseconds(2);

    /** Requests waiting for the writer beyond this many bytes get 503. Bounds memory. */
    @NotNull
    @MinDataSize(1024)
    private DataSize maxQueuedBytes = DataSize.mebibytes(256);

    /** Answer 503 while the spool disk has less free space than this. */
    @NotNull
    private DataSize minFreeDisk = DataSize.mebibytes(512);

    /** Answer 503 while sealed, not yet rolled-up batches hold more than this. */
    @NotNull
    private DataSize maxSealedBytes = DataSize.gibibytes(10);

    /** Answer 503 while more than this many sealed batches wait for rollup. */
    private long maxSealedBatches = 10_000;

    /** The Retry-After given with a 503. */
    @NotNull
    @MinDuration(value = 1, unit = TimeUnit.SECONDS)
    private Duration retryAfter = Duration.seconds(5);

    @JsonProperty
    public DataSize getMaxFileSize() { return maxFileSize; }
    @JsonProperty
    public void setMaxFileSize(DataSize v) { maxFileSize = v; }
    @JsonProperty
    public Duration getMaxFileAge() { return maxFileAge; }
    @JsonProperty
    public void setMaxFileAge(Duration v) { maxFileAge = v; }
    @JsonProperty
    public DataSize getFlushMaxBytes() { return flushMaxBytes; }
    @JsonProperty
    public void setFlushMaxBytes(DataSize v) { flushMaxBytes = v; }
    @JsonProperty
    public Duration getFlushMaxWait() { return flushMaxWait; }
    @JsonProperty
    public void setFlushMaxWait(Duration v) { flushMaxWait = v; }
    @JsonProperty
    public Duration getFlushLinger() { return flushLinger; }
    @JsonProperty
    public void setFlushLinger(Duration v) { flushLinger = v; }
    @JsonProperty
    public DataSize getMaxQueuedBytes() { return maxQueuedBytes; }
    @JsonProperty
    public void setMaxQueuedBytes(DataSize v) { maxQueuedBytes = v; }
    @JsonProperty
    public DataSize getMinFreeDisk() { return minFreeDisk; }
    @JsonProperty
    public void setMinFreeDisk(DataSize v) { minFreeDisk = v; }
    @JsonProperty
    public DataSize getMaxSealedBytes() { return maxSealedBytes; }
    @JsonProperty
    public void setMaxSealedBytes(DataSize v) { maxSealedBytes = v; }
    @JsonProperty
    public long getMaxSealedBatches() { return maxSealedBatches; }
    @JsonProperty
    public void setMaxSealedBatches(long v) { maxSealedBatches = v; }
    @JsonProperty
    public Duration getRetryAfter() { return retryAfter; }
    @JsonProperty
    public void setRetryAfter(Duration v) { retryAfter = v; }
}

package io.gravix.ingest;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.DataSize;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDataSize;
import io.dropwizard.validation.MinDuration;
import io.dropwizard.validation.ValidationMethod;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.util.concurrent.TimeUnit;

/** The {@code ingest:} block: request limits and the accepted event-time window. */
public final class IngestConfig {
    /** Largest request body as sent (compressed or not). */
    @NotNull
    @MinDataSize(1024)
    private DataSize maxBodySize = DataSize.mebibytes(5);

    /** Largest body after gzip decompression; guards against gzip bombs. */
    @NotNull
    @MinDataSize(1024)
    private DataSize maxDecompressedSize = DataSize.mebibytes(50);

    @Min(1)
    @Max(1_000_000)
    private int maxEventsPerRequest = 10_000;

    /** Oldest accepted event time, relative to now; with maxClockSkew it must fit in rollup.dedupeWindow (checked at start). */
    @NotNull
    @MinDuration(value = 1, unit = TimeUnit.MINUTES)
    private Duration maxEventAge = Duration.days(7);

    /** How far in the future an event time may be (client clock skew). */
    @NotNull
    private Duration maxClockSkew = Duration.minutes(5);

    /** At most this many per-event problems are listed in a 400 answer. */
    @Min(1)
    private int maxErrorDetails = 100;

    @ValidationMethod(message = "ingest.maxDecompressedSize must be at least ingest.maxBodySize")
    public boolean isDecompressedLimitAboveBodyLimit() {
        return maxDecompressedSize.toBytes() >= maxBodySize.toBytes();
    }

    @JsonProperty
    public DataSize getMaxBodySize() { return maxBodySize; }
    @JsonProperty
    public void setMaxBodySize(DataSize v) { maxBodySize = v; }
    @JsonProperty
    public DataSize getMaxDecompressedSize() { return maxDecompressedSize; }
    @JsonProperty
    public void setMaxDecompressedSize(DataSize v) { maxDecompressedSize = v; }
    @JsonProperty
    public int getMaxEventsPerRequest() { return maxEventsPerRequest; }
    @JsonProperty
    public void setMaxEventsPerRequest(int v) { maxEventsPerRequest = v; }
    @JsonProperty
    public Duration getMaxEventAge() { return maxEventAge; }
    @JsonProperty
    public void setMaxEventAge(Duration v) { maxEventAge = v; }
    @JsonProperty
    public Duration getMaxClockSkew() { return maxClockSkew; }
    @JsonProperty
    public void setMaxClockSkew(Duration v) { maxClockSkew = v; }
    @JsonProperty
    public int getMaxErrorDetails() { return maxErrorDetails; }
    @JsonProperty
    public void setMaxErrorDetails(int v) { maxErrorDetails = v; }
}

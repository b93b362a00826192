package io.gravix.admin;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MaxDuration;
import io.dropwizard.validation.MinDuration;
import jakarta.validation.constraints.NotNull;
import java.util.concurrent.TimeUnit;

/** The {@code probes:} block: how {@code /ready} and {@code /live} behave. */
public final class ProbesConfig {
    /**
     * On SIGTERM, {@code /ready} answers 503 at once while ingest keeps accepting for this
     * long, so load balancers stop sending before Gravix stops accepting. 0 stops at once.
     */
    @NotNull
    @MaxDuration(value = 5, unit = TimeUnit.MINUTES)
    private Duration drainDelay = Duration.seconds(5);

    /** {@code /live} answers 503 once a spool writer has made no progress for this long while work waits. */
    @NotNull
    @MinDuration(value = 1, unit = TimeUnit.SECONDS)
    private Duration writerStallLimit = Duration.seconds(30);

    @JsonProperty
    public Duration getDrainDelay() { return drainDelay; }
    @JsonProperty
    public void setDrainDelay(Duration v) { drainDelay = v; }
    @JsonProperty
    public Duration getWriterStallLimit() { return writerStallLimit; }
    @JsonProperty
    public void setWriterStallLimit(Duration v) { writerStallLimit = v; }
}

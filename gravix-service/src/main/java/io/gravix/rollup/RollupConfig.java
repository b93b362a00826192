package io.gravix.rollup;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.DataSize;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDataSize;
import io.dropwizard.validation.MinDuration;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.util.concurrent.TimeUnit;

/**
 * The {@code rollup:} block. The defaults favour freshness: with the spool's 10 s
 * {@code maxFileAge}, an acknowledged event is in the lake within about 20 s.
 */
public final class RollupConfig {
    /** Roll up whatever is sealed this often. */
    @NotNull
    @MinDuration(value = 100, unit = TimeUnit.MILLISECONDS)
    private Duration interval = Duration.seconds(10);

    /** Roll up at once, without waiting for the interval, when this much sealed spool waits. */
    @NotNull
    @MinDataSize(1)
    private DataSize backlogThreshold = DataSize.mebibytes(256);

    /**
     * One run takes sealed batches up to this much spool (at least one batch). A run
     * holds its rows in memory to sort them: about 3–4 bytes of heap per spool byte.
     */
    @NotNull
    @MinDataSize(1)
    private DataSize maxRunBytes = DataSize.mebibytes(64);

    /** A Parquet file holds at most this many rows; a larger partition of a run is split (sorted ranges). */
    @Min(1)
    private int maxRowsPerFile = 1_000_000;

    /** Parquet files of one run written (and put) in parallel. */
    @Min(1)
    @Max(64)
    private int writerThreads = 2;

    /**
     * How long a kept event id is remembered, so a retry within it is dropped as a
     * duplicate: at least {@code ingest.maxEventAge + ingest.maxClockSkew} (checked at
     * start), hence 7 days and 5 minutes by default.
     */
    @NotNull
    @MinDuration(value = 1, unit = TimeUnit.SECONDS)
    private Duration dedupeWindow = Duration.minutes(7 * 24 * 60 + 5);

    /** After consecutive failed runs the next waits interval × 2^(failures-1), at most this long (±20 % jitter). */
    @NotNull
    @MinDuration(value = 1, unit = TimeUnit.SECONDS)
    private Duration maxBackoff = Duration.minutes(5);

    /**
     * A run starts only with this much disk free in the work directory on top of room for
     * its files: the data directory's disk is the spool's too, so keep it at least
     * {@code spool.minFreeDisk}.
     */
    @NotNull
    private DataSize minFreeDisk = DataSize.mebibytes(512);

    /**
     * The lake holds runs of this instance beyond what the index planned (the index was
     * restored from a backup, or a data directory was copied): start anyway, skipping run ids
     * past the lake's. Off: refuse to start. Only for an operator who checked that no copy
     * runs elsewhere and accepts that events of the lost runs may be stored again.
     */
    private boolean acceptLakeAheadOfIndex = false;

    /**
     * Heap for exact event ids of recent runs, per table: the seen-id index confirms each
     * fingerprint hit (a duplicate, mostly) against them; a miss reads the run's ids from
     * SQLite.
     */
    @NotNull
    @MinDataSize(0)
    private DataSize seenIdCacheSize = DataSize.mebibytes(32);

    /**
     * Heap for the fingerprints of the newest ids in the dedupe window, per table (18–36
     * bytes per id); beyond it they are written to sorted files in <dataDir>/seen-ids
     * (16 bytes per id on disk, read through the page cache), so the heap does not grow with
     * the window.
     */
    @NotNull
    @MinDataSize(1)
    private DataSize seenIdMemory = DataSize.mebibytes(32);

    @JsonProperty
    public DataSize getSeenIdMemory() { return seenIdMemory; }
    @JsonProperty
    public void setSeenIdMemory(DataSize v) { seenIdMemory = v; }

    @JsonProperty
    public DataSize getSeenIdCacheSize() { return seenIdCacheSize; }
    @JsonProperty
    public void setSeenIdCacheSize(DataSize v) { seenIdCacheSize = v; }
    @JsonProperty
    public Duration getMaxBackoff() { return maxBackoff; }
    @JsonProperty
    public void setMaxBackoff(Duration v) { maxBackoff = v; }
    @JsonProperty
    public DataSize getMinFreeDisk() { return minFreeDisk; }
    @JsonProperty
    public void setMinFreeDisk(DataSize v) { minFreeDisk = v; }
    @JsonProperty
    public boolean isAcceptLakeAheadOfIndex() { return acceptLakeAheadOfIndex; }
    @JsonProperty
    public void setAcceptLakeAheadOfIndex(boolean v) { acceptLakeAheadOfIndex = v; }
    @JsonProperty
    public Duration getInterval() { return interval; }
    @JsonProperty
    public void setInterval(Duration v) { interval = v; }
    @JsonProperty
    public DataSize getBacklogThreshold() { return backlogThreshold; }
    @JsonProperty
    public void setBacklogThreshold(DataSize v) { backlogThreshold = v; }
    @JsonProperty
    public DataSize getMaxRunBytes() { return maxRunBytes; }
    @JsonProperty
    public void setMaxRunBytes(DataSize v) { maxRunBytes = v; }
    @JsonProperty
    public int getMaxRowsPerFile() { return maxRowsPerFile; }
    @JsonProperty
    public void setMaxRowsPerFile(int v) { maxRowsPerFile = v; }
    @JsonProperty
    public int getWriterThreads() { return writerThreads; }
    @JsonProperty
    public void setWriterThreads(int v) { writerThreads = v; }
    @JsonProperty
    public Duration getDedupeWindow() { return dedupeWindow; }
    @JsonProperty
    public void setDedupeWindow(Duration v) { dedupeWindow = v; }
}

package io.gravix.rollup;

import com.google.protobuf.MessageLite;
import io.gravix.dlq.DeadLetterQueue;
import io.gravix.index.BatchIndex;
import io.gravix.spool.Spool;
import io.gravix.spool.SpoolConfig;
import io.gravix.spool.SpoolFile;
import io.gravix.spool.Table;
import io.gravix.store.LocalObjectStore;
import io.gravix.store.ObjectStore;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The spool, index, dead-letter queue, store and rollup of one data directory, started
 * in-process the way GravixApplication starts them. Closing and opening a new harness on
 * the same directory is a restart: only what is on disk carries over.
 */
final class RollupHarness implements AutoCloseable {
    final Path dataDir;
    final BatchIndex index;
    final Spool spool;
    final ObjectStore store;
    final DeadLetterQueue deadLetters;
    final RollupService rollup;
    final PrometheusRegistry registry = new PrometheusRegistry();

    RollupHarness(Path dataDir, RollupConfig config, CrashPoints crashPoints) throws Exception {
        this(dataDir, config, crashPoints, new LocalObjectStore(dataDir.resolve("lake")));
    }

    RollupHarness(Path dataDir, RollupConfig config, CrashPoints crashPoints, ObjectStore store) throws Exception {
        this(dataDir, config, crashPoints, store, Clock.systemUTC());
    }

    /** With {@code clock} for the spool (batch creation times) and the rollup (commit times, the dedupe window). */
    RollupHarness(Path dataDir, RollupConfig config, CrashPoints crashPoints, ObjectStore store, Clock clock) throws Exception {
        this.dataDir = dataDir;
        this.index = BatchIndex.open(dataDir.resolve("index.db"));
        this.spool = new Spool(dataDir.resolve("spool"), index, new SpoolConfig(), clock, registry);
        spool.start();
        this.store = store;
        this.deadLetters = new DeadLetterQueue(dataDir.resolve("dlq"), clock);
        this.rollup = new RollupService(config, index, spool::tableDirectory, dataDir.resolve("rollup-work"), store,
                deadLetters, clock, registry, crashPoints);
        rollup.start();
    }

    /** A config whose scheduler stays out of the way (runs come from {@link RollupService#rollupNow()}). */
    static RollupConfig quietConfig(int maxRowsPerFile) {
        RollupConfig config = new RollupConfig();
        config.setInterval(io.dropwizard.util.Duration.hours(1));
        config.setMaxRowsPerFile(maxRowsPerFile);
        // A budget of a few small runs' fingerprints: every rollup test also dedupes against segment files.
        config.setSeenIdMemory(io.dropwizard.util.DataSize.kibibytes(64));
        return config;
    }

    /** Appends one spool frame (one accepted request) holding {@code record} and waits for its fsync. */
    void append(Table table, MessageLite record, int events) throws Exception {
        spool.append(table, SpoolFile.encodeFrame(record.toByteArray()), events).get(10, TimeUnit.SECONDS);
    }

    void seal() throws Exception {
        spool.sealAll().get(10, TimeUnit.SECONDS);
    }

    List<RunSummary> rollupNow() throws Exception {
        return rollup.rollupNow();
    }

    @Override
    public void close() throws Exception {
        rollup.stop();
        spool.stop();
        store.close();
        index.close();
    }
}

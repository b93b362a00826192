package io.gravix.rollup;

import static java.util.Objects.requireNonNull;

import io.gravix.store.ObjectInfo;
import io.gravix.store.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads the event ids of a stretch of one lake table through an {@link ObjectStore}: the
 * Parquet files of the hour partitions ({@code <table>/dt=…/hour=…/}) that cover a time
 * range of event time. Each file is copied to a temporary file in the work directory
 * (Parquet reads its footer first, and a store's stream is not seekable), read with
 * {@link LakeFileReader}, and deleted. Objects that are not {@code .parquet} files are
 * skipped. Not a snapshot: files the rollup puts during a scan may or may not be seen.
 */
public final class LakeScan {
    private static final Set<String> TABLES = Set.of("request_facts", "service_events");

    private final ObjectStore store;
    private final Path workDirectory;

    /** @param workDirectory where downloaded files are kept while they are read; must exist */
    public LakeScan(ObjectStore store, Path workDirectory) {
        this.store = requireNonNull(store, "store is null");
        this.workDirectory = requireNonNull(workDirectory, "workDirectory is null");
    }

    /** What one scan read. */
    public record Result(int files, long rows) {}

    /**
     * Hands every event id in the files of {@code table}'s partitions from the hour of
     * {@code from} through the hour of {@code to} (UTC, inclusive) to {@code ids}, file by
     * file in key order.
     */
    public Result eventIds(String table, Instant from, Instant to, Consumer<String> ids) throws IOException {
        List<ObjectInfo> files = files(table, from, to);
        long rows = 0;
        for (ObjectInfo file : files) {
            rows += eventIds(file.key(), ids);
        }
        return new Result(files.size(), rows);
    }

    /** The Parquet files of {@code table}'s partitions from the hour of {@code from} through the hour of {@code to}, in key order. */
    public List<ObjectInfo> files(String table, Instant from, Instant to) throws IOException {
        if (!TABLES.contains(table)) {
            throw new IllegalArgumentException("unknown lake table " + table + "; tables are " + TABLES);
        }
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("scan range ends (" + to + ") before it starts (" + from + ")");
        }
        List<ObjectInfo> files = new ArrayList<>();
        for (long hour = hourOf(from), last = hourOf(to); hour <= last; hour++) {
            for (ObjectInfo object : store.list(LakePartition.prefix(table, hour))) {
                if (object.key().endsWith(".parquet")) {
                    files.add(object);
                }
            }
        }
        return files;
    }

    /** Hands the event ids of the lake file {@code key} to {@code ids}; returns its row count. */
    public long eventIds(String key, Consumer<String> ids) throws IOException {
        Path local = Files.createTempFile(workDirectory, "lake-", ".parquet");
        try {
            try (InputStream in = store.open(key)) {
                Files.copy(in, local, StandardCopyOption.REPLACE_EXISTING);
            }
            return LakeFileReader.readEventIds(local, ids);
        } catch (IOException e) {
            throw new IOException("cannot read lake file " + key + " from " + store + ": " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(local);
        }
    }

    private static long hourOf(Instant t) {
        return LakePartition.hourOf(Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000));
    }
}

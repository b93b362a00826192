package io.gravix.testing;

import static java.util.Objects.requireNonNull;

import io.gravix.api.v1.RequestFact;
import io.gravix.api.v1.ServiceEvent;
import io.gravix.loadgen.EventFactory;
import io.gravix.rollup.EventRow;
import io.gravix.rollup.ParquetEventWriter;
import io.gravix.store.ObjectStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A lake made by hand, as the rollup would lay it out: Parquet files written with
 * {@link ParquetEventWriter} and put through an {@link ObjectStore} at
 * {@code <table>/dt=YYYY-MM-DD/hour=HH/part-<run>-<n>.parquet}. Rows are realistic
 * events ({@link EventFactory}) carrying the event ids a test chooses.
 */
public final class HandMadeLake {
    private static final DateTimeFormatter PARTITION = DateTimeFormatter.ofPattern("'dt='yyyy-MM-dd'/hour='HH").withZone(ZoneOffset.UTC);

    private final ObjectStore store;
    private final Path workDirectory;
    private final AtomicInteger files = new AtomicInteger();

    public HandMadeLake(ObjectStore store, Path workDirectory) {
        this.store = requireNonNull(store, "store is null");
        this.workDirectory = requireNonNull(workDirectory, "workDirectory is null");
    }

    /** Puts one {@code request_facts} file whose rows have {@code ids}, timestamped {@code at}; returns its key. */
    public String putRequestFacts(Instant at, List<String> ids) throws IOException {
        String key = key("request_facts", at);
        Path file = newFile();
        EventFactory events = new EventFactory("hand-made", Clock.fixed(at, ZoneOffset.UTC), ids.size());
        try (ParquetEventWriter<RequestFact> writer = ParquetEventWriter.requestFacts(file)) {
            for (int i = 0; i < ids.size(); i++) {
                RequestFact fact = events.requestFact(i).toBuilder().setEventId(ids.get(i)).build();
                writer.write(new EventRow<>(fact, "tests", micros(at), 1));
            }
        }
        put(key, file);
        return key;
    }

    /** Puts one {@code service_events} file whose rows have {@code ids}, timestamped {@code at}; returns its key. */
    public String putServiceEvents(Instant at, List<String> ids) throws IOException {
        String key = key("service_events", at);
        Path file = newFile();
        EventFactory events = new EventFactory("hand-made", Clock.fixed(at, ZoneOffset.UTC), ids.size());
        try (ParquetEventWriter<ServiceEvent> writer = ParquetEventWriter.serviceEvents(file)) {
            for (int i = 0; i < ids.size(); i++) {
                ServiceEvent event = events.serviceEvent(i).toBuilder().setEventId(ids.get(i)).build();
                writer.write(new EventRow<>(event, "tests", micros(at), 1));
            }
        }
        put(key, file);
        return key;
    }

    /** The key of the next file of {@code table} in the partition of {@code at}. */
    public String key(String table, Instant at) {
        return table + "/" + PARTITION.format(at) + "/part-" + (1000 + files.incrementAndGet()) + "-0.parquet";
    }

    private Path newFile() throws IOException {
        Path file = Files.createTempFile(Files.createDirectories(workDirectory), "hand-made-", ".parquet");
        Files.delete(file); // the writer creates it and refuses an existing file
        return file;
    }

    private void put(String key, Path file) throws IOException {
        try {
            store.put(key, file);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static long micros(Instant at) {
        return at.getEpochSecond() * 1_000_000L + at.getNano() / 1_000;
    }
}

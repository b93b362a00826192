package io.gravix.dlq;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gravix.spool.SpoolDirectories;
import io.gravix.spool.Table;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead-letter queue: spool files the rollup cannot read, kept whole under
 * {@code <data>/dlq/} next to a JSON reason file, for an operator to inspect,
 * replay or purge.
 *
 * <p>Names: a spool file {@code <spool>/<table>/<id>.sealed} becomes
 * {@code <dlq>/<table>-<id>.sealed} and its reason {@code <table>-<id>.sealed.reason.json}
 * ({@code error}, {@code offset}, {@code time}, {@code originalName}, {@code table}, and
 * {@code replays} once replayed). An entry is its data file: a reason file alone is not
 * one, and an entry whose reason file is missing is listed with a null reason.
 *
 * <p>Crash safety of {@link #quarantine}: the reason file is written first (temp file,
 * fsync, atomic rename), then the spool file is moved with an atomic rename on the same
 * file system and both directories are fsynced. A crash in between leaves the spool
 * file where it was (the rollup quarantines it again, rewriting the reason) or already
 * moved (the rollup finds it in the queue, {@link #contains}). {@link #purge} deletes the
 * reason before the data file, so a crash in between leaves a visible entry to purge
 * again, never an invisible orphan.
 *
 * <p>Changes (quarantine, recording a replay, purge) are serialized on this object, so a
 * replay recorded while another is recorded or the entry is purged loses nothing and
 * brings no purged entry back; reads take no lock.
 */
public final class DeadLetterQueue {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterQueue.class);
    static final String REASON_SUFFIX = ".reason.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path directory;
    private final Clock clock;

    public DeadLetterQueue(Path directory, Clock clock) throws IOException {
        this.directory = requireNonNull(directory, "directory is null");
        this.clock = requireNonNull(clock, "clock is null");
        Files.createDirectories(directory);
    }

    public Path directory() {
        return directory;
    }

    /** The queue's name for a spool file of {@code table}. */
    public static String entryName(Table table, Path spoolFile) {
        return table.tableName() + "-" + spoolFile.getFileName();
    }

    /** Whether the spool file of {@code table} named like {@code spoolFile} is already in the queue. */
    public boolean contains(Table table, Path spoolFile) {
        return Files.exists(directory.resolve(entryName(table, spoolFile)));
    }

    /**
     * Moves {@code spoolFile} (of {@code table}) into the queue with its reason.
     *
     * @param error what is wrong, for the operator
     * @param offset byte offset in the file where the problem was found
     * @return the entry's name in the queue
     */
    public synchronized String quarantine(Table table, Path spoolFile, String error, long offset) throws IOException {
        String name = entryName(table, spoolFile);
        ObjectNode reason = JSON.createObjectNode()
                .put("error", error)
                .put("offset", offset)
                .put("time", now())
                .put("originalName", spoolFile.getFileName().toString())
                .put("table", table.tableName());
        writeReason(name, reason);
        Files.move(spoolFile, directory.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        SpoolDirectories.fsync(directory);
        SpoolDirectories.fsync(spoolFile.toAbsolutePath().getParent());
        return name;
    }

    /** Every entry, ordered by name. */
    public List<DeadLetterEntry> entries() throws IOException {
        List<DeadLetterEntry> entries = new ArrayList<>();
        for (Path file : entryFiles()) {
            entryOf(file).ifPresent(entries::add);
        }
        return entries;
    }

    /** How many entries the queue holds. */
    public int count() throws IOException {
        return entryFiles().size();
    }

    /**
     * The entry called {@code name}, or empty when there is none.
     *
     * @throws IllegalArgumentException when {@code name} could not be an entry's name
     *     ({@link EntryNames#problem}), so that no name reaches outside the queue
     */
    public Optional<DeadLetterEntry> find(String name) throws IOException {
        String problem = EntryNames.problem(name);
        if (problem != null) {
            throw new IllegalArgumentException("dead-letter entry name " + problem);
        }
        Path file = directory.resolve(name);
        return Files.isRegularFile(file) ? entryOf(file) : Optional.empty();
    }

    /**
     * Appends {@code replay} to the entry's reason ({@code replays}), atomically. A no-op
     * when the entry was purged meanwhile, so a purge is never undone.
     */
    public synchronized void recordReplay(DeadLetterEntry entry, ObjectNode replay) throws IOException {
        if (!Files.isRegularFile(entry.file())) {
            return;
        }
        ObjectNode reason = readReason(entry.name()).orElseGet(JSON::createObjectNode);
        ArrayNode replays = reason.get("replays") instanceof ArrayNode existing ? existing : reason.putArray("replays");
        replays.add(replay.deepCopy().put("time", now()));
        writeReason(entry.name(), reason);
    }

    /** Deletes the entry and its reason; returns false when it was already gone. */
    public synchronized boolean purge(DeadLetterEntry entry) throws IOException {
        Files.deleteIfExists(reasonFile(entry.name()));
        boolean deleted = Files.deleteIfExists(entry.file());
        SpoolDirectories.fsync(directory);
        return deleted;
    }

    private List<Path> entryFiles() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> EntryNames.problem(f.getFileName().toString()) == null)
                    .filter(f -> tableOf(f.getFileName().toString()).isPresent())
                    .filter(Files::isRegularFile)
                    .sorted()
                    .toList();
        }
    }

    /** The entry whose data file is {@code file}; empty when it is not an entry's or is gone (purged while listing). */
    Optional<DeadLetterEntry> entryOf(Path file) throws IOException {
        String name = file.getFileName().toString();
        Optional<Table> table = tableOf(name);
        if (table.isEmpty()) {
            return Optional.empty();
        }
        long bytes;
        try {
            bytes = Files.size(file);
        } catch (NoSuchFileException e) {
            return Optional.empty(); // purged while listing
        }
        return Optional.of(new DeadLetterEntry(name, table.get(), file, bytes, readReason(name).orElse(null)));
    }

    /** The table an entry name starts with ({@code <table>-…}). */
    static Optional<Table> tableOf(String name) {
        for (Table table : Table.values()) {
            if (name.startsWith(table.tableName() + "-")) {
                return Optional.of(table);
            }
        }
        return Optional.empty();
    }

    /** The reason, or empty when its file is missing or is not a JSON object (logged: the entry stays usable). */
    private Optional<ObjectNode> readReason(String name) throws IOException {
        Path file = reasonFile(name);
        try {
            JsonNode node = JSON.readTree(Files.readAllBytes(file));
            if (node instanceof ObjectNode object) {
                return Optional.of(object);
            }
            LOG.warn("dead-letter reason file {} is not a JSON object; showing the entry without a reason", file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            LOG.warn("dead-letter reason file {} is not JSON ({}); showing the entry without a reason", file, e.getOriginalMessage());
        }
        return Optional.empty();
    }

    private Path reasonFile(String name) {
        return directory.resolve(name + REASON_SUFFIX);
    }

    /** Temp file, fsync, atomic rename over the old reason, directory fsync. */
    private void writeReason(String name, ObjectNode reason) throws IOException {
        Path temp = directory.resolve("." + name + REASON_SUFFIX + ".tmp");
        Files.write(temp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(reason));
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(temp, reasonFile(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        SpoolDirectories.fsync(directory);
    }

    private String now() {
        return Instant.ofEpochMilli(clock.millis()).toString();
    }

}

package io.gravix.dlq;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gravix.spool.Table;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;

/**
 * The dead-letter queue: spool files the rollup cannot read, kept whole under
 * {@code <data>/dlq/} next to a JSON reason file, for an operator to inspect,
 * replay or purge.
 *
 * <p>Names: a spool file {@code <spool>/<table>/<id>.sealed} becomes
 * {@code <dlq>/<table>-<id>.sealed} and its reason {@code <table>-<id>.sealed.reason.json}
 * ({@code error}, {@code offset}, {@code time}, {@code originalName}, {@code table}).
 *
 * <p>Crash safety of {@link #quarantine}: the reason file is written first (temp file,
 * fsync, atomic rename), then the spool file is moved with an atomic rename on the same
 * file system and both directories are fsynced. A crash in between leaves the spool
 * file where it was (the rollup quarantines it again, rewriting the reason) or already
 * moved (the rollup finds it in the queue, {@link #contains}).
 */
public final class DeadLetterQueue {
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
    public String quarantine(Table table, Path spoolFile, String error, long offset) throws IOException {
        String name = entryName(table, spoolFile);
        ObjectNode reason = JSON.createObjectNode()
                .put("error", error)
                .put("offset", offset)
                .put("time", Instant.ofEpochMilli(clock.millis()).toString())
                .put("originalName", spoolFile.getFileName().toString())
                .put("table", table.tableName());
        Path reasonFile = directory.resolve(name + REASON_SUFFIX);
        Path temp = directory.resolve("." + name + REASON_SUFFIX + ".tmp");
        Files.write(temp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(reason));
        fsync(temp, false);
        Files.move(temp, reasonFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Files.move(spoolFile, directory.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        fsync(directory, true);
        fsync(spoolFile.toAbsolutePath().getParent(), true);
        return name;
    }

    private static void fsync(Path path, boolean directory) throws IOException {
        try (FileChannel channel = FileChannel.open(path, directory ? StandardOpenOption.READ : StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }
}

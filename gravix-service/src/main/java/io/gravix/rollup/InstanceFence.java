package io.gravix.rollup;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gravix.store.NoSuchObjectException;
import io.gravix.store.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * The lake's own record of an instance: the object {@code _gravix/instances/<instance>.json}
 * holds the highest run this instance started putting files for, and which process
 * (a random writer id per start) did. Lake keys are {@code part-<instance>-<run>-<n>}, so
 * two writers with the same instance id and run id — an index restored from an old
 * backup, or a data directory copied and run twice — would replace each other's files.
 * Before the first put of every attempt, {@link #claim} reads the record and refuses a
 * run that the lake has already seen beyond (or, from another process, at) its id;
 * then it records the run.
 *
 * <p>What this cannot close: two copies that read the record at the same instant; the
 * store has no compare-and-set. The rule for operators stays: never copy a data directory.
 */
final class InstanceFence {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectStore store;
    private final String instance;
    private final Path workDirectory;
    private final Clock clock;
    private final String writer = UUID.randomUUID().toString();

    InstanceFence(ObjectStore store, String instance, Path workDirectory, Clock clock) {
        this.store = requireNonNull(store, "store is null");
        this.instance = requireNonNull(instance, "instance is null");
        this.workDirectory = requireNonNull(workDirectory, "workDirectory is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    static String key(String instance) {
        return "_gravix/instances/" + instance + ".json";
    }

    String instance() {
        return instance;
    }

    /** The highest run the lake records for this instance; empty when it records none. */
    OptionalLong highestRunInLake() throws IOException {
        JsonNode record = read();
        return record == null ? OptionalLong.empty() : OptionalLong.of(record.path("highestRun").asLong());
    }

    /**
     * Claims run {@code runId} before its files are put.
     *
     * @param resumed whether the run was found planned at start (its earlier attempt was another process's: ours before a crash)
     * @throws InstanceConflictException when the lake has seen this instance beyond the run, or another process at it
     */
    void claim(long runId, boolean resumed) throws IOException {
        JsonNode record = read();
        if (record != null) {
            long highest = record.path("highestRun").asLong();
            if (highest > runId) {
                throw new InstanceConflictException("the lake already holds run " + highest + " of instance " + instance
                        + ", beyond run " + runId + " that this index is executing: the index is older than the lake"
                        + " (restored from a backup, or a copy of the data directory runs elsewhere); its files would replace"
                        + " committed ones. See RUNBOOK.md, 'Instance conflict'");
            }
            if (highest == runId && !resumed && !writer.equals(record.path("writer").asText())) {
                throw new InstanceConflictException("another process with instance id " + instance + " (writer "
                        + record.path("writer").asText() + ") claimed run " + runId + " too: a copy of this data directory"
                        + " is running elsewhere. Stop one of them. See RUNBOOK.md, 'Instance conflict'");
            }
        }
        write(runId);
    }

    private JsonNode read() throws IOException {
        try (InputStream in = store.open(key(instance))) {
            return JSON.readTree(in);
        } catch (NoSuchObjectException e) {
            return null;
        }
    }

    private void write(long runId) throws IOException {
        ObjectNode record = JSON.createObjectNode()
                .put("instance", instance)
                .put("highestRun", runId)
                .put("writer", writer)
                .put("updatedAt", Instant.now(clock).toString());
        Path temp = workDirectory.resolve("instance-" + UUID.randomUUID() + ".json");
        try {
            Files.write(temp, JSON.writeValueAsBytes(record));
            store.put(key(instance), temp);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** The lake and this index disagree about this instance's runs; retrying does not help. */
    static final class InstanceConflictException extends IOException {
        InstanceConflictException(String message) {
            super(message);
        }
    }
}

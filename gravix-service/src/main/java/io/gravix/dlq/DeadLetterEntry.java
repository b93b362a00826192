package io.gravix.dlq;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gravix.spool.Table;
import java.nio.file.Path;

/**
 * One file in the dead-letter queue: its name (what operators pass as {@code file=}),
 * the table whose spool it came from, its size, and its reason (null when the reason
 * file is missing or unreadable). {@code file} is for the queue's own use, never shown.
 */
public record DeadLetterEntry(String name, Table table, Path file, long bytes, ObjectNode reason) {
    public DeadLetterEntry {
        requireNonNull(name, "name is null");
        requireNonNull(table, "table is null");
        requireNonNull(file, "file is null");
    }
}

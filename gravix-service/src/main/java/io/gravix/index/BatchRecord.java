package io.gravix.index;

/** One row of the batch index. Sizes are zero while the batch is open. */
public record BatchRecord(long id, String table, BatchState state, long createdAtMillis, long sealedAtMillis,
                          long bytes, long frames, long events) {}

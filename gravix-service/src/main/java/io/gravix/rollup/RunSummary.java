package io.gravix.rollup;

import java.util.List;

/**
 * What one rollup run did.
 *
 * @param batches spool batches rolled up
 * @param events events written to the lake
 * @param duplicates events dropped as already kept (this run or a committed one)
 * @param deadLettered names of spool files moved to the dead-letter queue instead
 * @param keys the object keys written
 */
public record RunSummary(long runId, String table, long batches, long events, long duplicates, long bytes,
                         List<String> keys, List<String> deadLettered) {
    public int files() {
        return keys.size();
    }
}

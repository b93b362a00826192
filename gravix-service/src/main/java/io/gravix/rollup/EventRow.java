package io.gravix.rollup;

import static java.util.Objects.requireNonNull;

/**
 * One row of a lake table: an event as it was spooled plus what the rollup adds to it —
 * the API key name it came from, when Gravix accepted it, and the spool batch it was
 * rolled up from (see {@link ParquetSchemas}).
 *
 * @param event a {@code RequestFact} or a {@code ServiceEvent}, exactly as spooled
 * @param source the name of the API key that sent the event
 * @param ingestedAtMicros when Gravix accepted the request, microseconds since the epoch (UTC)
 * @param batchId the id of the spool batch the event was read from
 */
public record EventRow<E>(E event, String source, long ingestedAtMicros, long batchId) {
    public EventRow {
        requireNonNull(event, "event is null");
        requireNonNull(source, "source is null");
    }
}

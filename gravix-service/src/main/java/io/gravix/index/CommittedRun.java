package io.gravix.index;

/**
 * What a run produced, committed with it.
 *
 * @param idsBlob the run's kept event ids, encoded by the rollup (the seen-id index entry)
 * @param idCount how many ids {@code idsBlob} holds
 */
public record CommittedRun(long runId, long committedAtMillis, long batches, long events, long duplicates,
                           long files, long bytes, byte[] idsBlob, long idCount) {}

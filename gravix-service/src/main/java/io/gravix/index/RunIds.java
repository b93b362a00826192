package io.gravix.index;

/** The seen-id index entry of one committed run: its kept event ids as the rollup encoded them. */
public record RunIds(long runId, long committedAtMillis, byte[] blob) {}

package io.gravix.index;

/** Sealed batches not yet rolled up: how many, their bytes, and when the oldest was sealed (0 if none). */
public record BacklogStats(long batches, long bytes, long oldestSealedAtMillis) {
    public static final BacklogStats EMPTY = new BacklogStats(0, 0, 0);
}

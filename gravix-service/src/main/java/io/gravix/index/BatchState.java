package io.gravix.index;

/** Where a spool batch (one spool file) is in its life. */
public enum BatchState {
    /** Being written; its file is {@code <id>.open}. */
    OPEN,
    /** Complete and durable ({@code <id>.sealed}); waiting for rollup. */
    SEALED
}

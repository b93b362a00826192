package io.gravix.index;

/** Where a spool batch (one spool file) is in its life. */
public enum BatchState {
    /** Being written; its file is {@code <id>.open}. */
    OPEN,
    /** Complete and durable ({@code <id>.sealed}); waiting for rollup (maybe already planned into a run). */
    SEALED,
    /** In the lake: its run committed; its spool file is deleted (or about to be). */
    ROLLED_UP,
    /** Unreadable: its file was moved to the dead-letter queue and left out of its run. */
    DEAD_LETTERED
}

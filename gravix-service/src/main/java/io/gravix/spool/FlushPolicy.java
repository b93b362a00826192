package io.gravix.spool;

/**
 * Decides when the spool writer stops gathering frames and forces them to disk
 * (group commit). Pure: it sees only the writer's state, so it is tested alone.
 *
 * <p>The writer flushes when the queue runs empty (nobody else is waiting, so
 * waiting longer only adds latency), when the buffered frames reach
 * {@code maxBufferedBytes} (bounds memory and the size of one write), or when
 * it has been gathering for {@code maxWaitNanos} (bounds latency under a steady
 * stream that never lets the queue run empty). The wait is counted from the
 * start of gathering, not from when a frame was queued: frames that already
 * waited in a backlog must not each force their own fsync, which would end
 * group commit exactly when the writer falls behind.
 */
final class FlushPolicy {

    /** The decision and, for a flush, its reason (a metrics label). */
    enum Decision {
        KEEP_GATHERING(null),
        FLUSH_IDLE("idle"),
        FLUSH_MAX_BYTES("max_bytes"),
        FLUSH_MAX_WAIT("max_wait");

        private final String reason;

        Decision(String reason) {
            this.reason = reason;
        }

        String reason() {
            return reason;
        }
    }

    private final long maxBufferedBytes;
    private final long maxWaitNanos;

    FlushPolicy(long maxBufferedBytes, long maxWaitNanos) {
        if (maxBufferedBytes <= 0 || maxWaitNanos < 0) {
            throw new IllegalArgumentException("maxBufferedBytes must be > 0 and maxWaitNanos >= 0");
        }
        this.maxBufferedBytes = maxBufferedBytes;
        this.maxWaitNanos = maxWaitNanos;
    }

    /**
     * @param queueEmpty whether no further frame is waiting to be gathered
     * @param bufferedBytes bytes gathered since the last flush (at least one frame)
     * @param gatheringNanos how long the writer has been gathering these frames
     */
    Decision decide(boolean queueEmpty, long bufferedBytes, long gatheringNanos) {
        if (bufferedBytes >= maxBufferedBytes) {
            return Decision.FLUSH_MAX_BYTES;
        }
        if (gatheringNanos >= maxWaitNanos) {
            return Decision.FLUSH_MAX_WAIT;
        }
        if (queueEmpty) {
            return Decision.FLUSH_IDLE;
        }
        return Decision.KEEP_GATHERING;
    }
}

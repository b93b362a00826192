package io.gravix.spool;

/**
 * Decides when the spool writer stops gathering frames and forces them to disk
 * (group commit). Pure: it sees only the writer's state, so it is tested alone.
 *
 * <p>The writer flushes when the queue runs empty and no other request is on
 * its way (waiting longer would only add latency), when the buffered frames
 * reach {@code maxBufferedBytes} (bounds memory and the size of one write), or
 * when it has been gathering for {@code maxWaitNanos} (bounds latency under a
 * steady stream that never lets the queue run empty). The wait is counted from
 * the start of gathering, not from when a frame was queued: frames that already
 * waited in a backlog must not each force their own fsync, which would end
 * group commit exactly when the writer falls behind.
 *
 * <p>When the queue is empty but more frames are expected soon — requests
 * already admitted and being decoded, or concurrent clients shown by recent
 * flushes that each covered several frames — the writer lingers up to
 * {@code lingerNanos} for them, so that one fsync covers them too: the idea of
 * PostgreSQL's {@code commit_delay}/{@code commit_siblings}. A lone client
 * never waits.
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
    private final long lingerNanos;

    FlushPolicy(long maxBufferedBytes, long maxWaitNanos, long lingerNanos) {
        if (maxBufferedBytes <= 0 || maxWaitNanos < 0 || lingerNanos < 0) {
            throw new IllegalArgumentException("maxBufferedBytes must be > 0, maxWaitNanos and lingerNanos >= 0");
        }
        this.maxBufferedBytes = maxBufferedBytes;
        this.maxWaitNanos = maxWaitNanos;
        this.lingerNanos = lingerNanos;
    }

    /**
     * @param queueEmpty whether no further frame is waiting to be gathered
     * @param bufferedBytes bytes gathered since the last flush (at least one frame)
     * @param gatheringNanos how long the writer has been gathering these frames
     * @param moreExpected whether more frames are expected soon (see the class comment)
     */
    Decision decide(boolean queueEmpty, long bufferedBytes, long gatheringNanos, boolean moreExpected) {
        if (bufferedBytes >= maxBufferedBytes) {
            return Decision.FLUSH_MAX_BYTES;
        }
        if (gatheringNanos >= maxWaitNanos) {
            return Decision.FLUSH_MAX_WAIT;
        }
        if (queueEmpty && (!moreExpected || gatheringNanos >= lingerNanos)) {
            return Decision.FLUSH_IDLE;
        }
        return Decision.KEEP_GATHERING;
    }

    /** How long an idle writer may still wait for expected frames before it must flush. */
    long lingerLeftNanos(long gatheringNanos) {
        return Math.max(0, Math.min(lingerNanos, maxWaitNanos) - gatheringNanos);
    }
}

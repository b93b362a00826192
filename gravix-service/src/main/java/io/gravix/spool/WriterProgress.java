package io.gravix.spool;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Whether a spool writer keeps up: work that waits (a frame queued, a seal asked for) must
 * be followed by progress (the writer taking a command, finishing a flush). The liveness
 * probe reads {@link #stalledMillis}: a writer stuck in a {@code force()} the kernel never
 * returns from cannot recover by itself. An idle writer is never stalled.
 *
 * <p>Threads: {@link #workArrived} from request threads, the rest from the writer thread;
 * {@link #stalledMillis} from anywhere.
 */
final class WriterProgress {
    private static final long NONE = Long.MIN_VALUE;
    /** When the oldest work not yet taken up arrived; NONE while nothing waits. */
    private final AtomicLong waitingSince = new AtomicLong(NONE);
    private volatile long progressAt;

    WriterProgress(long nowMillis) {
        progressAt = nowMillis;
    }

    void workArrived(long nowMillis) {
        waitingSince.compareAndSet(NONE, nowMillis);
    }

    void progressed(long nowMillis) {
        progressAt = nowMillis;
    }

    /**
     * The writer found its queue empty after finishing what it took: nothing waits. A frame
     * queued at this very moment loses its mark until the next one arrives; the check can
     * only be late then, never wrong.
     */
    void drained(long nowMillis) {
        progressAt = nowMillis;
        waitingSince.set(NONE);
    }

    /** How long work has waited without the writer making progress; 0 when nothing waits or it keeps up. */
    long stalledMillis(long nowMillis) {
        long since = waitingSince.get();
        if (since == NONE) {
            return 0;
        }
        return Math.max(0, nowMillis - Math.max(since, progressAt));
    }
}

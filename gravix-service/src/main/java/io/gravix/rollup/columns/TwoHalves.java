package io.gravix.rollup.columns;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs the two halves of a step at once: one on a helper thread, one on the caller. The
 * rollup thread reads and dedupes a run while the writer threads have nothing to do; this
 * lends it one of them. If no helper thread has picked its half up by the time the caller
 * is done with its own (the pool is busy, or shut down), the caller runs it too: a busy
 * pool only makes the step take as long as on one thread. The halves must touch disjoint
 * state; what they produce does not depend on which thread ran which.
 */
public final class TwoHalves {
    /** No helper: both halves on the caller, one after the other. */
    public static final Executor SAME_THREAD = Runnable::run;

    private TwoHalves() {}

    /** Runs {@code mine} here and {@code theirs} on {@code helper} (or here, see above); returns once both are done. */
    static void run(Executor helper, Runnable mine, Runnable theirs) {
        AtomicBoolean taken = new AtomicBoolean();
        CompletableFuture<Void> helped;
        try {
            helped = CompletableFuture.runAsync(() -> {
                if (taken.compareAndSet(false, true)) {
                    theirs.run();
                }
            }, helper);
        } catch (RejectedExecutionException e) {
            helped = null;
        }
        try {
            mine.run();
        } catch (RuntimeException | Error e) {
            if (!taken.compareAndSet(false, true)) {
                // Leave only once the helper is off the shared state.
                helped.exceptionally(ignored -> null).join();
            }
            throw e;
        }
        if (taken.compareAndSet(false, true)) {
            // Not started (and a helper that starts it later does nothing): a pool shut down
            // meanwhile may never run it, so its future is not waited for.
            theirs.run();
            return;
        }
        try {
            helped.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }
}

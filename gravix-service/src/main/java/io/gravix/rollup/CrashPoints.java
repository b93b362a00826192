package io.gravix.rollup;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Test hook for crash tests: stops a run at one {@link CrashPoint}. Nothing in a
 * deployment can arm it: the production entry point ({@code GravixApplication#main})
 * always passes {@link #NONE}, and only code can build another value — the crash
 * tests' own entry point in the test sources, or an in-process test.
 *
 * <p>{@link #waitForKillAt} is for SIGKILL tests: at the point, the run logs
 * {@value #ANNOUNCEMENT} at ERROR and waits for the test to kill the process; if
 * nobody does within the given time it says so and halts the JVM (no shutdown hooks,
 * so the disk is left as a crash leaves it). It never waits silently or forever.
 */
public class CrashPoints {
    /** The log line a crash test waits for, followed by the point's name. */
    public static final String ANNOUNCEMENT = "TEST CRASH POINT REACHED: ";
    /** The exit status of a process that reached its crash point and was not killed in time. */
    public static final int UNKILLED_EXIT_STATUS = 86;
    public static final CrashPoints NONE = new CrashPoints(null, null);
    private static final Logger LOG = LoggerFactory.getLogger(CrashPoints.class);

    private final CrashPoint armed;
    private final Duration waitForKill; // null: throw instead

    private CrashPoints(CrashPoint armed, Duration waitForKill) {
        this.armed = armed;
        this.waitForKill = waitForKill;
    }

    /** For in-process tests: the run throws {@link SimulatedCrash} at {@code point}, leaving the disk as a crash would. */
    public static CrashPoints throwAt(CrashPoint point) {
        return new CrashPoints(point, null);
    }

    /** For SIGKILL tests: announce at {@code point}, wait up to {@code maxWait} to be killed, then halt. */
    public static CrashPoints waitForKillAt(CrashPoint point, Duration maxWait) {
        return new CrashPoints(point, maxWait);
    }

    /** For in-process tests: the first time a run reaches {@code point} it runs out of heap (an OutOfMemoryError). */
    public static CrashPoints outOfMemoryOnceAt(CrashPoint point) {
        return outOfMemoryOnceAt(point, 0);
    }

    /** As {@link #outOfMemoryOnceAt(CrashPoint)}, after runs reached {@code point} {@code passes} times unharmed. */
    public static CrashPoints outOfMemoryOnceAt(CrashPoint point, int passes) {
        return new CrashPoints(point, null) {
            private int reached;

            @Override
            void reached(CrashPoint p) {
                if (p == point && reached++ == passes) {
                    throw new OutOfMemoryError("simulated: Java heap space");
                }
            }
        };
    }

    /** Thrown at an armed crash point by {@link #throwAt}. */
    public static final class SimulatedCrash extends RuntimeException {
        SimulatedCrash(CrashPoint point) {
            super("simulated crash at " + point);
        }
    }

    public boolean isArmed() {
        return armed != null;
    }

    @Override
    public String toString() {
        return armed == null ? "no crash point" : "crash point " + armed + (waitForKill == null ? " (throws)" : " (waits " + waitForKill + " for SIGKILL, then halts)");
    }

    void reached(CrashPoint point) {
        if (point != armed) {
            return;
        }
        if (waitForKill == null) {
            throw new SimulatedCrash(point);
        }
        LOG.error("{}{} (test hook: this run now waits up to {} for SIGKILL, then halts the JVM)", ANNOUNCEMENT, point, waitForKill);
        awaitUninterruptibly(waitForKill);
        String halting = "TEST CRASH POINT " + point + ": nobody killed this process within " + waitForKill
                + "; halting it now with exit status " + UNKILLED_EXIT_STATUS;
        LOG.error(halting);
        System.err.println(halting); // the log appender may be asynchronous; halt() flushes nothing
        System.err.flush();
        Runtime.getRuntime().halt(UNKILLED_EXIT_STATUS);
    }

    private static void awaitUninterruptibly(Duration timeout) {
        CountDownLatch never = new CountDownLatch(1);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                never.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                return;
            } catch (InterruptedException e) {
                // keep waiting: a shutdown must not finish the run that the test kills here
            }
        }
    }
}

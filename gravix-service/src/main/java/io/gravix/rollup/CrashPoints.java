package io.gravix.rollup;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Test hook for crash tests: with {@code GRAVIX_TEST_CRASH_AT=<crash point>} in its
 * environment, the process announces on its log when a run reaches that step and then
 * waits forever, so that the test can kill it with SIGKILL exactly there. Unset (always,
 * in production) it does nothing.
 */
public class CrashPoints {
    public static final String ENV = "GRAVIX_TEST_CRASH_AT";
    /** The log line a crash test waits for, followed by the point's name. */
    public static final String ANNOUNCEMENT = "TEST CRASH POINT REACHED: ";
    public static final CrashPoints NONE = new CrashPoints(null, true);
    private static final Logger LOG = LoggerFactory.getLogger(CrashPoints.class);

    private final CrashPoint armed;
    private final boolean hang;

    private CrashPoints(CrashPoint armed, boolean hang) {
        this.armed = armed;
        this.hang = hang;
    }

    /** For in-process tests: the run throws {@link SimulatedCrash} at {@code point}, leaving the disk as a crash would. */
    public static CrashPoints throwAt(CrashPoint point) {
        return new CrashPoints(point, false);
    }

    /** For in-process tests: the first time a run reaches {@code point} it runs out of heap (an OutOfMemoryError). */
    public static CrashPoints outOfMemoryOnceAt(CrashPoint point) {
        return new CrashPoints(point, false) {
            private boolean fired;

            @Override
            void reached(CrashPoint p) {
                if (p == point && !fired) {
                    fired = true;
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

    /** From the {@link #ENV} variable's value (null or empty: disarmed). */
    public static CrashPoints fromEnv(String value) {
        if (value == null || value.isBlank()) {
            return NONE;
        }
        return new CrashPoints(CrashPoint.valueOf(value.trim().toUpperCase(Locale.ROOT)), true);
    }

    void reached(CrashPoint point) {
        if (point != armed) {
            return;
        }
        if (!hang) {
            throw new SimulatedCrash(point);
        }
        LOG.error(ANNOUNCEMENT + point);
        Object never = new Object();
        synchronized (never) {
            while (true) {
                try {
                    never.wait();
                } catch (InterruptedException e) {
                    // keep waiting: only SIGKILL ends this process
                }
            }
        }
    }
}

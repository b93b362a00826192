package io.gravix;

import io.gravix.rollup.CrashPoint;
import io.gravix.rollup.CrashPoints;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * The crash tests' entry point, in the test sources so that no deployment has it: Gravix
 * with a {@link CrashPoint} armed from {@value #CRASH_AT} (and {@value #MAX_WAIT}, default
 * 120 s). {@code GravixProcess} runs it with the shaded jar plus this one class on the class
 * path; the production {@code main} arms nothing, whatever the environment says.
 */
public final class CrashTestMain {
    /** System property naming the crash point, e.g. {@code -Dgravix.test.crashAt=PLANNED}. */
    public static final String CRASH_AT = "gravix.test.crashAt";
    /** System property: how long to wait for SIGKILL at the point before halting (ISO-8601, e.g. PT2S). */
    public static final String MAX_WAIT = "gravix.test.crashMaxWait";

    private CrashTestMain() {}

    public static void main(String[] args) throws Exception {
        CrashPoint point = CrashPoint.valueOf(System.getProperty(CRASH_AT).trim().toUpperCase(Locale.ROOT));
        CrashPoints crashPoints = CrashPoints.waitForKillAt(point, Duration.parse(System.getProperty(MAX_WAIT, "PT120S")));
        LoggerFactory.getLogger(CrashTestMain.class).error("TEST ENTRY POINT: Gravix with {} armed; never run this outside the crash tests", crashPoints);
        new GravixApplication(System.getenv(), Clock.systemUTC(), crashPoints).run(args);
    }
}

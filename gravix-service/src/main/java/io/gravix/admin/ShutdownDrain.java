package io.gravix.admin;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first step of a graceful stop: readiness off at once, ingest still accepting for the
 * drain delay (load balancers notice the 503 and stop sending), then the caller stops
 * accepting. Runs on the thread that stops the server (the JVM's shutdown hook on SIGTERM).
 */
public final class ShutdownDrain {
    private static final Logger LOG = LoggerFactory.getLogger(ShutdownDrain.class);

    private final Duration delay;
    private volatile boolean begun;

    public ShutdownDrain(Duration delay) {
        this.delay = delay;
    }

    /** Turns readiness off and waits out the drain delay; a second call returns at once. */
    public void drain() {
        if (begun) {
            return;
        }
        begun = true;
        if (delay.isZero()) {
            return;
        }
        LOG.info("shutdown: /ready answers 503; ingest keeps accepting for the drain delay of {}", delay);
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public boolean begun() {
        return begun;
    }
}

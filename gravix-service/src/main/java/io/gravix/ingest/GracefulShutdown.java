package io.gravix.ingest;

import io.dropwizard.util.Duration;
import io.gravix.spool.Spool;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.LifeCycle;

/**
 * Jetty's server life cycle as ingest sees it: requests Jetty itself refuses during a
 * graceful stop get Gravix's 503 (JSON, {@code Retry-After}); once the stop begins and the
 * drain delay has passed, the spool refuses new frames.
 */
public final class GracefulShutdown implements LifeCycle.Listener {
    private final Spool spool;
    private final Duration retryAfter;
    private final Runnable drain;

    /** {@code drain} runs first when the stop begins, while ingest still accepts (readiness off, the drain delay). */
    public GracefulShutdown(Spool spool, Duration retryAfter, Runnable drain) {
        this.spool = spool;
        this.retryAfter = retryAfter;
        this.drain = drain;
    }

    @Override
    public void lifeCycleStarting(LifeCycle event) {
        if (event instanceof Server server) {
            server.setErrorHandler(new ShuttingDownErrorHandler(retryAfter));
        }
    }

    @Override
    public void lifeCycleStopping(LifeCycle event) {
        // Before Jetty closes its connectors: ingest keeps accepting while the drain runs.
        drain.run();
        spool.beginShutdown();
    }
}

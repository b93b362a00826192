package io.gravix.ingest;

import io.dropwizard.util.Duration;
import io.gravix.spool.Spool;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.LifeCycle;

/**
 * Jetty's server life cycle as ingest sees it: requests Jetty itself refuses during a
 * graceful stop get Gravix's 503 (JSON, {@code Retry-After}); once the stop begins the
 * spool refuses new frames.
 */
public final class GracefulShutdown implements LifeCycle.Listener {
    private final Spool spool;
    private final Duration retryAfter;

    public GracefulShutdown(Spool spool, Duration retryAfter) {
        this.spool = spool;
        this.retryAfter = retryAfter;
    }

    @Override
    public void lifeCycleStarting(LifeCycle event) {
        if (event instanceof Server server) {
            server.setErrorHandler(new ShuttingDownErrorHandler(retryAfter));
        }
    }

    @Override
    public void lifeCycleStopping(LifeCycle event) {
        spool.beginShutdown();
    }
}

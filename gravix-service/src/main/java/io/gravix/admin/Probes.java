package io.gravix.admin;

import io.gravix.index.BatchIndex;
import io.gravix.spool.Spool;
import java.util.List;

/**
 * What {@code /ready} and {@code /live} check. Every check reads state kept in memory (the
 * spool samples disk and backlog once a second; the index answers a {@code SELECT 1}), never
 * the object store, so a probe answers in milliseconds whatever the lake does.
 *
 * <p>Ready: the batch index answers; the spool can write (no failed writer); its disk is above
 * the floor; the sealed backlog is within its limits; no shutdown has begun. Live: only what
 * a restart fixes — a failed spool writer, or one stuck while work waits.
 */
public final class Probes {
    private Probes() {}

    public static ProbeServlet readiness(BatchIndex index, Spool spool, ShutdownDrain drain) {
        return new ProbeServlet(List.of(
                new ProbeServlet.Check("index", () -> index.isHealthy() ? null : "batch index does not answer"),
                new ProbeServlet.Check("spool", spool::unwritableReason),
                new ProbeServlet.Check("disk", () -> spool.diskProblem(0)),
                new ProbeServlet.Check("backlog", spool::backlogProblem),
                new ProbeServlet.Check("shutdown", () -> drain.begun() || spool.isShuttingDown() ? "shutting down" : null)));
    }

    public static ProbeServlet liveness(Spool spool, ProbesConfig config) {
        long limit = config.getWriterStallLimit().toMilliseconds();
        return new ProbeServlet(List.of(
                new ProbeServlet.Check("spool", spool::failedProblem),
                new ProbeServlet.Check("writer", () -> {
                    long stalled = spool.writerStalledMillis();
                    return stalled > limit ? "a spool writer made no progress for " + stalled / 1000 + " s while work waits"
                            + " (probes.writerStallLimit = " + config.getWriterStallLimit() + "); restart Gravix" : null;
                })));
    }
}

package io.gravix.admin;

import static java.util.Objects.requireNonNull;

import io.dropwizard.servlets.tasks.Task;
import io.gravix.index.BacklogStats;
import io.gravix.spool.Spool;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** {@code POST /tasks/seal-now}: seals every open spool file and reports the sealed backlog. */
public final class SealNowTask extends Task {
    private final Spool spool;

    public SealNowTask(Spool spool) {
        super("seal-now");
        this.spool = requireNonNull(spool, "spool is null");
    }

    @Override
    public void execute(Map<String, List<String>> parameters, PrintWriter output) throws Exception {
        spool.sealAll().get(30, TimeUnit.SECONDS);
        BacklogStats b = spool.backlog();
        output.printf("{\"sealed\":true,\"sealedBatches\":%d,\"sealedBytes\":%d}%n", b.batches(), b.bytes());
    }
}

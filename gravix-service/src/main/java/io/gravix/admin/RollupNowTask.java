package io.gravix.admin;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dropwizard.servlets.tasks.Task;
import io.gravix.rollup.RollupService;
import io.gravix.rollup.RollupStatus;
import io.gravix.rollup.RunSummary;
import io.gravix.spool.Spool;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code POST /tasks/rollup-now}: seals the open spool files (unless {@code seal=false})
 * and rolls up everything sealed, synchronously; answers with the totals and each run.
 */
public final class RollupNowTask extends Task implements AnsweringTask {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Spool spool;
    private final RollupService rollup;

    public RollupNowTask(Spool spool, RollupService rollup) {
        super("rollup-now");
        this.spool = requireNonNull(spool, "spool is null");
        this.rollup = requireNonNull(rollup, "rollup is null");
    }

    @Override
    public void check(Map<String, List<String>> parameters) throws TaskRefusal {
        List<String> seal = parameters.getOrDefault("seal", List.of("true"));
        if (seal.size() != 1 || !(seal.get(0).equals("true") || seal.get(0).equals("false"))) {
            throw TaskRefusal.badParameter("seal", "seal must be given once, as true or false");
        }
    }

    /** Never called: {@link TaskRequestCheckFilter} serves this task through {@link #answer}. */
    @Override
    public void execute(Map<String, List<String>> parameters, PrintWriter output) throws Exception {
        throw new IllegalStateException("rollup-now is answered by TaskRequestCheckFilter");
    }

    @Override
    public Answer answer(Map<String, List<String>> parameters) throws Exception {
        if (!parameters.getOrDefault("seal", List.of("true")).contains("false")) {
            spool.sealAll().get(30, TimeUnit.SECONDS);
        }
        try {
            return Answer.ok(summary(rollup.rollupNow()));
        } catch (RollupService.RollupFailure e) {
            return failure(e);
        } finally {
            spool.refreshBacklog(); // what this answer says is already on /metrics
        }
    }

    /**
     * A run that failed for a cause outside Gravix (store, disk, heap) is a 503: retry
     * later, the run stays planned. One that needs the operator (an instance conflict, a
     * bug) is a 500. Both name the cause.
     */
    private Answer failure(RollupService.RollupFailure e) {
        RollupStatus.FailureKind kind = e.kind();
        ObjectNode body = JSON.createObjectNode()
                .put("error", e.getMessage() + " (the planned run stays planned and is re-executed with the same keys)")
                .put("cause", kind.name().toLowerCase(Locale.ROOT));
        boolean transientCause = kind == RollupStatus.FailureKind.STORE || kind == RollupStatus.FailureKind.DISK
                || kind == RollupStatus.FailureKind.MEMORY;
        if (!transientCause) {
            return new Answer(500, body, 0);
        }
        long wait = Math.max(1, (rollup.status().snapshot().nextAttemptAtMillis() - System.currentTimeMillis() + 999) / 1000);
        return new Answer(503, body.put("retryAfterSeconds", wait), (int) Math.min(Integer.MAX_VALUE, wait));
    }

    private static ObjectNode summary(List<RunSummary> runs) {
        ObjectNode answer = JSON.createObjectNode();
        answer.put("runs", runs.size())
                .put("batches", runs.stream().mapToLong(RunSummary::batches).sum())
                .put("events", runs.stream().mapToLong(RunSummary::events).sum())
                .put("duplicates", runs.stream().mapToLong(RunSummary::duplicates).sum())
                .put("files", runs.stream().mapToLong(RunSummary::files).sum())
                .put("bytes", runs.stream().mapToLong(RunSummary::bytes).sum());
        ArrayNode deadLettered = answer.putArray("deadLettered");
        runs.forEach(r -> r.deadLettered().forEach(deadLettered::add));
        ArrayNode details = answer.putArray("details");
        for (RunSummary r : runs) {
            ObjectNode run = details.addObject()
                    .put("run", r.runId())
                    .put("table", r.table())
                    .put("batches", r.batches())
                    .put("events", r.events())
                    .put("duplicates", r.duplicates())
                    .put("bytes", r.bytes());
            ArrayNode keys = run.putArray("files");
            r.keys().forEach(keys::add);
        }
        return answer;
    }
}

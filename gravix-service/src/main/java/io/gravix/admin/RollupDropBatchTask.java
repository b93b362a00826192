package io.gravix.admin;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dropwizard.servlets.tasks.Task;
import io.gravix.index.BatchIndex;
import io.gravix.index.BatchState;
import io.gravix.rollup.RollupService;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /tasks/rollup-drop-batch?batch=<id>}: takes a sealed batch out of a run
 * that cannot finish with it (its spool file is missing or breaks the run every time):
 * the file goes to the dead-letter queue, the run is retried without it, and files that
 * earlier attempts put for it are deleted before that run commits. The events stay in
 * the dead-letter entry; {@code dlq-replay} brings them back.
 */
public final class RollupDropBatchTask extends Task implements AnsweringTask {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BatchIndex index;
    private final RollupService rollup;

    public RollupDropBatchTask(BatchIndex index, RollupService rollup) {
        super("rollup-drop-batch");
        this.index = requireNonNull(index, "index is null");
        this.rollup = requireNonNull(rollup, "rollup is null");
    }

    @Override
    public void check(Map<String, List<String>> parameters) throws TaskRefusal {
        long batch = batchOf(parameters);
        if (index.find(batch).filter(b -> b.state() == BatchState.SEALED).isEmpty()) {
            throw TaskRefusal.notFound("batch", Long.toString(batch),
                    "no sealed batch " + batch + " waits for rollup (see the rollup log for the batches of a failing run)");
        }
    }

    /** Never called: {@link TaskRequestCheckFilter} serves this task through {@link #answer}. */
    @Override
    public void execute(Map<String, List<String>> parameters, PrintWriter output) {
        throw new IllegalStateException("rollup-drop-batch is answered by TaskRequestCheckFilter");
    }

    @Override
    public Answer answer(Map<String, List<String>> parameters) throws Exception {
        long batch = batchOf(parameters);
        Optional<String> entry = rollup.dropBatch(batch);
        ObjectNode body = JSON.createObjectNode().put("batch", batch);
        if (entry.isPresent()) {
            body.put("deadLetterEntry", entry.get());
        } else {
            body.putNull("deadLetterEntry").put("warning", "the batch's spool file was missing: its events could not be kept");
        }
        return Answer.ok(body);
    }

    private static long batchOf(Map<String, List<String>> parameters) throws TaskRefusal {
        List<String> values = parameters.getOrDefault("batch", List.of());
        if (values.size() != 1) {
            throw TaskRefusal.badParameter("batch", "give the batch id once: ?batch=<id>");
        }
        try {
            long batch = Long.parseLong(values.get(0));
            if (batch > 0) {
                return batch;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw TaskRefusal.badParameter("batch", "batch must be a positive batch id, not '" + values.get(0) + "'");
    }
}

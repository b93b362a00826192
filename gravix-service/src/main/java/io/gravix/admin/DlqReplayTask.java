package io.gravix.admin;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dropwizard.servlets.tasks.Task;
import io.gravix.dlq.DeadLetterQueue;
import io.gravix.dlq.DeadLetterReplayer;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /tasks/dlq-replay?file=<entry>}: re-ingests the entry's decodable frames as
 * a new sealed spool batch, which the next rollup takes through its usual dedupe (so
 * replaying again adds nothing). The entry stays until {@code dlq-purge}.
 */
public final class DlqReplayTask extends Task implements CheckedTask {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DeadLetterQueue queue;
    private final DeadLetterReplayer replayer;

    public DlqReplayTask(DeadLetterQueue queue, DeadLetterReplayer replayer) {
        super("dlq-replay", "application/json");
        this.queue = requireNonNull(queue, "queue is null");
        this.replayer = requireNonNull(replayer, "replayer is null");
    }

    @Override
    public void check(Map<String, List<String>> parameters) throws TaskRefusal, IOException {
        DlqParameters.entry(queue, parameters);
    }

    @Override
    public void execute(Map<String, List<String>> parameters, PrintWriter output) throws Exception {
        DeadLetterReplayer.Replay replay = replayer.replay(DlqParameters.entry(queue, parameters));
        ObjectNode answer = JSON.createObjectNode()
                .put("name", replay.entry())
                .put("table", replay.table().tableName())
                .put("replayed", replay.batchId().isPresent());
        if (replay.batchId().isPresent()) {
            answer.put("batchId", replay.batchId().getAsLong());
        } else {
            answer.put("message", "no intact frame of this entry is a " + replay.table().tableName() + " record: nothing to replay");
        }
        answer.put("frames", replay.frames())
                .put("events", replay.events())
                .put("skippedFrames", replay.skippedFrames())
                .put("damagedRegions", replay.damagedRegions());
        output.println(JSON.writeValueAsString(answer));
    }
}

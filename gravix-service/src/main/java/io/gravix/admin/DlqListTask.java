package io.gravix.admin;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dropwizard.servlets.tasks.Task;
import io.gravix.dlq.DeadLetterEntry;
import io.gravix.dlq.DeadLetterQueue;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/** {@code POST /tasks/dlq-list}: every dead-letter entry with its table, size and reason, ordered by name. */
public final class DlqListTask extends Task {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DeadLetterQueue queue;

    public DlqListTask(DeadLetterQueue queue) {
        super("dlq-list", "application/json");
        this.queue = requireNonNull(queue, "queue is null");
    }

    @Override
    public void execute(Map<String, List<String>> parameters, PrintWriter output) throws Exception {
        List<DeadLetterEntry> entries = queue.entries();
        ObjectNode answer = JSON.createObjectNode().put("count", entries.size());
        ArrayNode list = answer.putArray("entries");
        entries.forEach(e -> list.add(DlqJson.entry(e)));
        output.println(JSON.writeValueAsString(answer));
    }
}

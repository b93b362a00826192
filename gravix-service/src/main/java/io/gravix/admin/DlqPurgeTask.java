package io.gravix.admin;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.servlets.tasks.Task;
import io.gravix.dlq.DeadLetterEntry;
import io.gravix.dlq.DeadLetterQueue;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/** {@code POST /tasks/dlq-purge?file=<entry>}: deletes the entry and its reason for good. */
public final class DlqPurgeTask extends Task implements CheckedTask {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DeadLetterQueue queue;

    public DlqPurgeTask(DeadLetterQueue queue) {
        super("dlq-purge", "application/json");
        this.queue = requireNonNull(queue, "queue is null");
    }

    @Override
    public void check(Map<String, List<String>> parameters) throws TaskRefusal, IOException {
        DlqParameters.entry(queue, parameters);
    }

    @Override
    public void execute(Map<String, List<String>> parameters, PrintWriter output) throws Exception {
        DeadLetterEntry entry = DlqParameters.entry(queue, parameters);
        boolean purged = queue.purge(entry);
        output.println(JSON.writeValueAsString(JSON.createObjectNode()
                .put("name", entry.name())
                .put("purged", purged)
                .put("remaining", queue.count())));
    }
}

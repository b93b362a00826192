package io.gravix.admin;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.servlets.tasks.Task;
import io.gravix.dlq.DeadLetterInspector;
import io.gravix.dlq.DeadLetterQueue;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /tasks/dlq-show?file=<entry>[&frames=N]}: the entry's header (or why it is
 * unreadable), reason, intact and decodable frame counts, events, damaged regions,
 * undecodable frames with their offsets, and the first N decodable frames as JSON
 * (default {@value #DEFAULT_FRAMES}, at most {@value #MAX_FRAMES}).
 */
public final class DlqShowTask extends Task implements CheckedTask {
    static final int DEFAULT_FRAMES = 10;
    static final int MAX_FRAMES = 1000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DeadLetterQueue queue;

    public DlqShowTask(DeadLetterQueue queue) {
        super("dlq-show", "application/json");
        this.queue = requireNonNull(queue, "queue is null");
    }

    @Override
    public void check(Map<String, List<String>> parameters) throws TaskRefusal, IOException {
        DlqParameters.entry(queue, parameters);
        DlqParameters.frames(parameters, DEFAULT_FRAMES, MAX_FRAMES);
    }

    @Override
    public void execute(Map<String, List<String>> parameters, PrintWriter output) throws Exception {
        DeadLetterInspector.Inspection inspection = DeadLetterInspector.inspect(DlqParameters.entry(queue, parameters),
                DlqParameters.frames(parameters, DEFAULT_FRAMES, MAX_FRAMES));
        output.println(JSON.writeValueAsString(DlqJson.inspection(inspection)));
    }
}

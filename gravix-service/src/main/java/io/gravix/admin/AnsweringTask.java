package io.gravix.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * A task that answers with its own status and JSON body, served whole by
 * {@link TaskRequestCheckFilter} (Dropwizard's task servlet can only answer 200 or a
 * plain-text 500). Used where a failure is not the task's fault and the caller should
 * retry: 503 with {@code Retry-After}.
 */
public interface AnsweringTask extends CheckedTask {
    /** Status, JSON body and, for a 503, the seconds to wait. */
    record Answer(int status, ObjectNode body, int retryAfterSeconds) {
        public static Answer ok(ObjectNode body) {
            return new Answer(200, body, 0);
        }
    }

    /** Runs the task with checked {@code parameters}. */
    Answer answer(Map<String, List<String>> parameters) throws Exception;
}

package io.gravix.admin;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A task request refused as the client's mistake: the HTTP status (400 for a missing or
 * bad parameter, 404 for a parameter naming nothing), the parameter at fault and a
 * message saying what to send instead. Answered as JSON by {@link TaskRequestCheckFilter}.
 */
public final class TaskRefusal extends Exception {
    private final int status;
    private final String parameter;
    private final String value;

    private TaskRefusal(int status, String parameter, String value, String message) {
        super(requireNonNull(message, "message is null"));
        this.status = status;
        this.parameter = requireNonNull(parameter, "parameter is null");
        this.value = value;
    }

    public static TaskRefusal badParameter(String parameter, String message) {
        return new TaskRefusal(400, parameter, null, message);
    }

    /** {@code value} of {@code parameter} names nothing that exists. */
    public static TaskRefusal notFound(String parameter, String value, String message) {
        return new TaskRefusal(404, parameter, value, message);
    }

    public int status() {
        return status;
    }

    public ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode().put("error", getMessage()).put("parameter", parameter);
        if (value != null) {
            json.put(parameter, value);
        }
        return json;
    }
}

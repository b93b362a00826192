package io.gravix.admin;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * A task that checks its parameters before it runs, so that a client's mistake is
 * answered 400 or 404 (see {@link TaskRequestCheckFilter}) instead of the 500 that
 * Dropwizard's task servlet answers for any exception a task throws.
 */
public interface CheckedTask {
    /** Returns when the task may run with {@code parameters}; throws the refusal when it must not. */
    void check(Map<String, List<String>> parameters) throws TaskRefusal, IOException;
}

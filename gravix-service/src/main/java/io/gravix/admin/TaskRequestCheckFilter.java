package io.gravix.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.servlets.tasks.Task;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Answers client errors of admin tasks before the task servlet runs them.
 *
 * <p>Dropwizard 5's {@code TaskServlet} gives a task only its parameters and a writer:
 * whatever a task throws becomes a 500 with the exception's message as text, and a task
 * cannot set the status. So every {@link CheckedTask} is asked here, in front of the
 * servlet, with the same parameters the servlet will pass; a {@link TaskRefusal} is
 * answered with its status and a JSON body naming the parameter. Mapped after the
 * admin-token filter, so a request without the token is refused (401) before its
 * parameters are looked at.
 */
public final class TaskRequestCheckFilter implements Filter {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** By the servlet's path info, {@code /<task name>}. */
    private final Map<String, CheckedTask> checked;

    private TaskRequestCheckFilter(Map<String, CheckedTask> checked) {
        this.checked = Map.copyOf(checked);
    }

    /** A filter checking those of {@code tasks} that are {@link CheckedTask}s. */
    public static TaskRequestCheckFilter forTasks(List<Task> tasks) {
        Map<String, CheckedTask> checked = new HashMap<>();
        for (Task task : tasks) {
            if (task instanceof CheckedTask c) {
                checked.put("/" + task.getName(), c);
            }
        }
        return new TaskRequestCheckFilter(checked);
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse resp, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        CheckedTask task = request.getPathInfo() == null ? null : checked.get(request.getPathInfo());
        if (task == null || !"POST".equals(request.getMethod())) {
            chain.doFilter(req, resp);
            return;
        }
        HttpServletResponse response = (HttpServletResponse) resp;
        Map<String, List<String>> parameters = parameters(request);
        try {
            task.check(parameters);
        } catch (TaskRefusal refusal) {
            writeJson(response, refusal.status(), refusal.toJson());
            return;
        }
        if (task instanceof AnsweringTask answering) {
            answer(answering, parameters, response);
            return;
        }
        chain.doFilter(req, resp);
    }

    private static void answer(AnsweringTask task, Map<String, List<String>> parameters, HttpServletResponse response)
            throws IOException {
        AnsweringTask.Answer answer;
        try {
            answer = task.answer(parameters);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            answer = new AnsweringTask.Answer(500, JSON.createObjectNode().put("error", "task failed: " + e), 0);
        }
        if (answer.retryAfterSeconds() > 0) {
            response.setHeader("Retry-After", Integer.toString(answer.retryAfterSeconds()));
        }
        writeJson(response, answer.status(), answer.body());
    }

    private static void writeJson(HttpServletResponse response, int status, Object body) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.getWriter().write(JSON.writeValueAsString(body));
    }

    /** The parameters as TaskServlet hands them to a task. */
    private static Map<String, List<String>> parameters(HttpServletRequest request) {
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        for (String name : Collections.list(request.getParameterNames())) {
            parameters.put(name, Arrays.asList(request.getParameterValues(name)));
        }
        return parameters;
    }
}

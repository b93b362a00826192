package io.gravix.admin;

import io.dropwizard.core.setup.Environment;
import io.dropwizard.servlets.tasks.Task;
import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import java.util.List;

/**
 * What the admin port serves beyond Gravix's own servlets, and who may use it. Dropwizard's
 * admin servlet brings {@code /healthcheck}, {@code /ping}, {@code /threads}, {@code /pprof}
 * and JSON metrics under {@code /metrics}; its task servlet {@code /tasks/*} (Gravix's tasks
 * plus Dropwizard's {@code gc} and {@code log-level}).
 *
 * <ul>
 *   <li>Open (probes and scrapers carry no token; none shows event content):
 *       {@code /live}, {@code /ready}, {@code /healthcheck}, {@code /ping}, {@code /metrics}
 *       (Prometheus), the menu page {@code /} and the console overview {@code /console}.
 *   <li>Behind the admin token ({@link #TOKEN_PATHS}): {@code /tasks/*}, which change state,
 *       and {@code /threads}, a thread dump (stacks, file paths, thread names) — kept because
 *       the runtime image has no jstack or jcmd, and it is what one needs when a run hangs;
 *       and {@code /console/tap}, the console's live tap of recent events (their content).
 *   <li>Off (404): {@code /pprof}, which samples every thread for seconds per request (a
 *       protected one still takes CPU from ingest; use JDK Flight Recorder instead), and
 *       Dropwizard's JSON metrics under {@code /metrics/*}, the same figures as the
 *       Prometheus {@code /metrics} in a second format.
 * </ul>
 */
public final class AdminEndpoints {
    /** Admin paths that need {@code Authorization: Bearer <admin token>}. */
    public static final List<String> TOKEN_PATHS = List.of("/tasks/*", "/threads", "/console/tap");

    private AdminEndpoints() {}

    /** Turns off what is off, puts the token in front of {@link #TOKEN_PATHS}, and adds {@code tasks} behind it. */
    public static void configure(Environment environment, AdminTokenFilter adminToken, List<Task> tasks) {
        // Read by Dropwizard's AdminServlet when Jetty starts it.
        environment.getAdminContext().setInitParameter("cpu-profile-enabled", "false");
        environment.getAdminContext().setInitParameter("metrics-enabled", "false");
        // Token first (401), then the tasks' own parameter checks (400/404), then the servlets.
        environment.admin().addFilter("admin-token", adminToken)
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, TOKEN_PATHS.toArray(String[]::new));
        environment.admin().addFilter("task-checks", TaskRequestCheckFilter.forTasks(tasks))
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/tasks/*");
        tasks.forEach(environment.admin()::addTask);
    }
}

package io.gravix.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A Kubernetes probe ({@code /live}, {@code /ready}): 200 when every named check
 * passes, else 503; the JSON body names each check and why a failing one fails.
 */
public final class ProbeServlet extends HttpServlet {

    /** A named condition: null means healthy, otherwise the reason it is not. */
    public record Check(String name, Supplier<String> problem) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<Check> checks;

    public ProbeServlet(List<Check> checks) {
        this.checks = List.copyOf(checks);
    }

    /** The probe's answer: 200 or 503, and the JSON body {@code {"status": "ok"|"failing", "checks": {name: {healthy, message?}}}}. */
    public record Answer(int status, Map<String, Object> body) {}

    public Answer evaluate() {
        Map<String, Object> results = new LinkedHashMap<>();
        boolean ok = true;
        for (Check check : checks) {
            String problem;
            try {
                problem = check.problem().get();
            } catch (RuntimeException e) {
                problem = "check failed: " + e;
            }
            ok &= problem == null;
            results.put(check.name(), problem == null ? Map.of("healthy", true) : Map.of("healthy", false, "message", problem));
        }
        return new Answer(ok ? 200 : 503, Map.of("status", ok ? "ok" : "failing", "checks", results));
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Answer answer = evaluate();
        resp.setStatus(answer.status());
        resp.setContentType("application/json");
        resp.setHeader("Cache-Control", "no-store");
        JSON.writeValue(resp.getOutputStream(), answer.body());
    }
}

package io.gravix.admin;

import com.codahale.metrics.health.HealthCheck;
import java.util.function.Supplier;

/** A Dropwizard health check over a condition that returns null when healthy, else the reason. */
public final class ConditionHealthCheck extends HealthCheck {
    private final Supplier<String> problem;

    public ConditionHealthCheck(Supplier<String> problem) {
        this.problem = problem;
    }

    @Override
    protected Result check() {
        String p = problem.get();
        return p == null ? Result.healthy() : Result.unhealthy(p);
    }
}

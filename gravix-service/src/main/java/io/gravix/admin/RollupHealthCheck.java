package io.gravix.admin;

import static java.util.Objects.requireNonNull;

import com.codahale.metrics.health.HealthCheck;
import io.gravix.rollup.RollupStatus;
import java.time.Instant;

/**
 * The {@code rollup} health check: unhealthy while runs fail, with the failure streak,
 * the cause, the last error and when the next attempt comes. Not part of {@code /ready}:
 * ingest goes on into the spool while the rollup cannot.
 */
public final class RollupHealthCheck extends HealthCheck {
    private final RollupStatus status;

    public RollupHealthCheck(RollupStatus status) {
        this.status = requireNonNull(status, "status is null");
    }

    @Override
    protected Result check() {
        RollupStatus.Snapshot s = status.snapshot();
        if (!s.failing()) {
            return Result.builder().healthy()
                    .withMessage(s.lastSuccessAtMillis() == 0 ? "no run yet" : "last run committed at " + Instant.ofEpochMilli(s.lastSuccessAtMillis()))
                    .build();
        }
        return Result.builder().unhealthy()
                .withMessage(describe(s))
                .withDetail("failureStreak", s.failureStreak())
                .withDetail("cause", s.lastFailureKind().map(Enum::name).orElse(""))
                .withDetail("lastError", s.lastError().orElse(""))
                .withDetail("nextAttemptAt", Instant.ofEpochMilli(s.nextAttemptAtMillis()).toString())
                .build();
    }

    /** One line for people: "3 consecutive failed runs (STORE), next attempt at …: <error>". */
    public static String describe(RollupStatus.Snapshot s) {
        return s.failureStreak() + " consecutive failed run" + (s.failureStreak() == 1 ? "" : "s")
                + " (" + s.lastFailureKind().map(Enum::name).orElse("?") + "), next attempt at "
                + Instant.ofEpochMilli(s.nextAttemptAtMillis()) + " or as soon as the cause is gone: " + s.lastError().orElse("");
    }
}

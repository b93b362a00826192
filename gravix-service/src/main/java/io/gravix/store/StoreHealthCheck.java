package io.gravix.store;

import static java.util.Objects.requireNonNull;

import com.codahale.metrics.health.HealthCheck;
import java.io.IOException;
import java.util.function.Supplier;

/**
 * The {@code store} health check: {@link ObjectStore#verify()} on every call (a
 * directory check, or one small S3 list request). Not part of {@code /ready}:
 * ingest keeps accepting events into the spool while the store is away.
 */
public final class StoreHealthCheck extends HealthCheck {
    private final ObjectStore store;
    private final Supplier<String> writerProblem;

    public StoreHealthCheck(ObjectStore store) {
        this(store, () -> null);
    }

    /** @param writerProblem what the lake's writer (the rollup) reports about its use of the store, null when nothing */
    public StoreHealthCheck(ObjectStore store, Supplier<String> writerProblem) {
        this.store = requireNonNull(store, "store is null");
        this.writerProblem = requireNonNull(writerProblem, "writerProblem is null");
    }

    @Override
    protected Result check() {
        String writer = writerProblem.get();
        try {
            store.verify();
            return writer == null ? Result.healthy(store.toString()) : Result.healthy(store + "; " + writer);
        } catch (IOException e) {
            return Result.unhealthy(writer == null ? e.getMessage() : e.getMessage() + "; " + writer);
        }
    }
}

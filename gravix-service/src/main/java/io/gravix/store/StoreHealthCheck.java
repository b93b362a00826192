package io.gravix.store;

import static java.util.Objects.requireNonNull;

import com.codahale.metrics.health.HealthCheck;
import java.io.IOException;

/**
 * The {@code store} health check: {@link ObjectStore#verify()} on every call (a
 * directory check, or one small S3 list request). Not part of {@code /ready}:
 * ingest keeps accepting events into the spool while the store is away.
 */
public final class StoreHealthCheck extends HealthCheck {
    private final ObjectStore store;

    public StoreHealthCheck(ObjectStore store) {
        this.store = requireNonNull(store, "store is null");
    }

    @Override
    protected Result check() {
        try {
            store.verify();
            return Result.healthy(store.toString());
        } catch (IOException e) {
            return Result.unhealthy(e.getMessage());
        }
    }
}

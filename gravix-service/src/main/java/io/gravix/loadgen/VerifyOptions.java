package io.gravix.loadgen;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What {@code loadgen --verify} checks against.
 *
 * @param config the server's config.yml (its {@code dataDir} and {@code store:}), or null for the defaults
 * @param timeout how long to wait for every acknowledged event to reach the lake
 * @param adminToken the server's admin token for {@code rollup-now}, or null to wait for the scheduled rollup
 */
record VerifyOptions(Path config, Duration timeout, String adminToken) {
    VerifyOptions {
        requireNonNull(timeout, "timeout is null");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("--verify-timeout must not be negative");
        }
    }
}

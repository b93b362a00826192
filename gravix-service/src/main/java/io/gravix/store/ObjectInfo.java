package io.gravix.store;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One listed object: its key (without any store-level prefix), its size in bytes
 * and when it was last written (S3 reports whole seconds).
 */
public record ObjectInfo(String key, long size, Instant lastModified) {
    public ObjectInfo {
        requireNonNull(key, "key is null");
        requireNonNull(lastModified, "lastModified is null");
        if (size < 0) {
            throw new IllegalArgumentException("size of " + key + " is negative: " + size);
        }
    }
}

package io.gravix.api.validate;

import static java.util.Objects.requireNonNull;

/** One broken constraint: the field path (proto names, {@code attributes["k"]} for map entries) and what is wrong. */
public record Violation(String field, String message) {
    public Violation {
        requireNonNull(field, "field is null");
        requireNonNull(message, "message is null");
    }
}

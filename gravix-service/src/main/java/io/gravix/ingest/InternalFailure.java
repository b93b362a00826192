package io.gravix.ingest;

import static java.util.Objects.requireNonNull;

/**
 * A request failed for a reason that is not the client's: a bug (an unexpected
 * RuntimeException in decoding, encoding or the spool), or the JVM itself (an
 * OutOfMemoryError). Answered 503 with {@code Retry-After} and counted as
 * {@code internal}: the events may well be valid, and a 4xx would make an SDK
 * drop them. {@code step} names what ingest was doing, for the log and the client.
 */
final class InternalFailure extends RuntimeException {
    private final String step;

    InternalFailure(String step, Throwable cause) {
        super("internal failure while " + requireNonNull(step, "step is null"), requireNonNull(cause, "cause is null"));
        this.step = step;
    }

    String step() {
        return step;
    }
}

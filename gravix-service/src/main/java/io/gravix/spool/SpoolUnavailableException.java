package io.gravix.spool;

/**
 * The spool cannot take a request now: a backpressure limit is reached, it is
 * shutting down, or a write failed. Maps to 503 with {@code Retry-After}; the
 * message names the limit or condition and is safe to show to clients.
 */
public final class SpoolUnavailableException extends RuntimeException {

    /** What made the spool refuse; a metrics label. */
    public enum Reason { BACKPRESSURE, SHUTTING_DOWN, FAILED }

    private final Reason reason;

    public SpoolUnavailableException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}

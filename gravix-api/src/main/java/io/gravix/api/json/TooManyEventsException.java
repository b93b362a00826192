package io.gravix.api.json;

/** A body holding more events than the configured per-request limit. */
public final class TooManyEventsException extends RuntimeException {
    private final int limit;

    public TooManyEventsException(int limit) {
        super("request holds more than " + limit + " events (the maxEventsPerRequest limit)", null, false, false);
        this.limit = limit;
    }

    public int limit() {
        return limit;
    }
}

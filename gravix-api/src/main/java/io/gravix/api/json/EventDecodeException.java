package io.gravix.api.json;

/**
 * A body that cannot be decoded into events. Names the event (0-based position
 * in the body, or -1 when the body as a whole is at fault) and the field, so a
 * client can find its mistake.
 */
public final class EventDecodeException extends RuntimeException {
    private final int index;
    private final String field;

    public EventDecodeException(int index, String field, String message) {
        super(message, null, false, false);
        this.index = index;
        this.field = field;
    }

    /** Position of the event in the body, or -1 for the body as a whole. */
    public int index() {
        return index;
    }

    /** Proto field name at fault, or null when no single field is. */
    public String field() {
        return field;
    }
}

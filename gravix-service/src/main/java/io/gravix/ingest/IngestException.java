package io.gravix.ingest;

import java.util.List;

/**
 * A request Gravix refuses, with the HTTP status, the {@code reason} label of
 * {@code ingestion_error_count}, a message naming the field or limit, and
 * per-event details. Messages are written for clients: no paths, keys or traces.
 */
public final class IngestException extends RuntimeException {

    /** One problem with one event: its index in the request, the field, what is wrong. */
    public record Detail(int index, String field, String message) {}

    private final int status;
    private final String reason;
    private final List<Detail> details;

    public IngestException(int status, String reason, String message, List<Detail> details) {
        super(message, null, false, false);
        this.status = status;
        this.reason = reason;
        this.details = List.copyOf(details);
    }

    static IngestException invalid(String message) {
        return new IngestException(400, "invalid", message, List.of());
    }

    static IngestException invalid(String message, List<Detail> details) {
        return new IngestException(400, "invalid", message, details);
    }

    static IngestException tooLarge(String message) {
        return new IngestException(413, "too_large", message, List.of());
    }

    static IngestException unsupported(String message) {
        return new IngestException(415, "unsupported", message, List.of());
    }

    public int status() {
        return status;
    }

    public String reason() {
        return reason;
    }

    public List<Detail> details() {
        return details;
    }
}

package io.gravix.rollup.columns;

/** A spool record whose bytes are not the protobuf message they should be (the rollup moves its file to the dead-letter queue). */
public final class MalformedRecordException extends RuntimeException {
    private final int record;

    public MalformedRecordException(String message) {
        this(message, -1);
    }

    /** @param record which of the records appended together it is */
    MalformedRecordException(String message, int record) {
        super(message);
        this.record = record;
    }

    /** Which of the records appended together ({@link EventColumns#appendRecordsAt}) is malformed; -1 when not known. */
    public int record() {
        return record;
    }
}

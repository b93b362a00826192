package io.gravix.rollup.columns;

/** A spool record whose bytes are not the protobuf message they should be (the rollup moves its file to the dead-letter queue). */
public final class MalformedRecordException extends RuntimeException {
    public MalformedRecordException(String message) {
        super(message);
    }
}

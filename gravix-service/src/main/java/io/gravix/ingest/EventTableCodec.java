package io.gravix.ingest;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import io.gravix.api.json.JsonEventReader;
import io.gravix.api.json.RequestFactJsonReader;
import io.gravix.api.json.ServiceEventJsonReader;
import io.gravix.api.spool.v1.RequestFactRecord;
import io.gravix.api.spool.v1.ServiceEventRecord;
import io.gravix.api.v1.RequestFact;
import io.gravix.api.v1.RequestFactBatch;
import io.gravix.api.v1.ServiceEvent;
import io.gravix.api.v1.ServiceEventBatch;
import io.gravix.api.validate.ConstraintValidator;
import io.gravix.spool.Table;
import java.util.List;
import java.util.function.Function;

/**
 * Everything table-specific about ingesting one event type: how to decode each
 * body form, which constraints apply, where the timestamp is, and how a batch
 * becomes a spool record. One instance per table, built by the factories below.
 *
 * @param <T> the event message type
 */
final class EventTableCodec<T extends Message> {

    /** Turns a protobuf batch body into its events. */
    @FunctionalInterface
    interface BatchParser<T> {
        ParsedBatch<T> parse(byte[] body) throws java.io.IOException;
    }

    /** The events of a protobuf batch, and the field numbers it held besides the events (none in a valid batch). */
    record ParsedBatch<T>(List<T> events, java.util.Set<Integer> unknownFields) {}

    /** Serializes accepted events, their source and ingest time into a spool record payload. */
    @FunctionalInterface
    interface RecordEncoder<T> {
        byte[] encode(List<T> events, String source, long ingestedAtMicros);
    }

    private final Table table;
    private final JsonEventReader<T> json;
    private final BatchParser<T> protobuf;
    private final ConstraintValidator validator;
    private final Function<T, Timestamp> timestamp;
    private final RecordEncoder<T> encoder;

    EventTableCodec(Table table, JsonEventReader<T> json, BatchParser<T> protobuf, ConstraintValidator validator,
                    Function<T, Timestamp> timestamp, RecordEncoder<T> encoder) {
        this.table = requireNonNull(table, "table is null");
        this.json = requireNonNull(json, "json is null");
        this.protobuf = requireNonNull(protobuf, "protobuf is null");
        this.validator = requireNonNull(validator, "validator is null");
        this.timestamp = requireNonNull(timestamp, "timestamp is null");
        this.encoder = requireNonNull(encoder, "encoder is null");
    }

    static EventTableCodec<RequestFact> requestFacts() {
        return new EventTableCodec<>(Table.REQUEST_FACTS, new RequestFactJsonReader(),
                body -> {
                    RequestFactBatch batch = parseChecked(body, RequestFactBatch.parser(), RequestFactBatch.getDescriptor());
                    return new ParsedBatch<>(batch.getFactsList(), batch.getUnknownFields().asMap().keySet());
                },
                ConstraintValidator.forType(RequestFact.getDescriptor()),
                f -> f.hasTimestamp() ? f.getTimestamp() : null,
                (events, source, micros) -> RequestFactRecord.newBuilder()
                        .addAllFacts(events).setSource(source).setIngestedAtMicros(micros).build().toByteArray());
    }

    static EventTableCodec<ServiceEvent> serviceEvents() {
        return new EventTableCodec<>(Table.SERVICE_EVENTS, new ServiceEventJsonReader(),
                body -> {
                    ServiceEventBatch batch = parseChecked(body, ServiceEventBatch.parser(), ServiceEventBatch.getDescriptor());
                    return new ParsedBatch<>(batch.getEventsList(), batch.getUnknownFields().asMap().keySet());
                },
                ConstraintValidator.forType(ServiceEvent.getDescriptor()),
                e -> e.hasTimestamp() ? e.getTimestamp() : null,
                (events, source, micros) -> ServiceEventRecord.newBuilder()
                        .addAllEvents(events).setSource(source).setIngestedAtMicros(micros).build().toByteArray());
    }

    Table table() {
        return table;
    }

    /**
     * Parses a batch and proves that protobuf-java read every tag and length as sent
     * (see {@link WireLengths}). The cheap proof: a batch whose canonical size equals
     * the body's had every varint minimal, and a length or tag cut to 32 bits is never
     * minimal (its value would have to be at least 2^28, more than a body can hold).
     * Otherwise (padded varints, a repeated field, a parse error) the full check decides.
     */
    private static <B extends Message> B parseChecked(byte[] body, com.google.protobuf.Parser<B> parser,
                                                      com.google.protobuf.Descriptors.Descriptor type) throws java.io.IOException {
        B batch;
        try {
            batch = parser.parseFrom(body);
        } catch (InvalidProtocolBufferException e) {
            WireLengths.check(body, type); // the more precise answer, if a length is at fault
            throw e;
        }
        if (body.length >= 1 << 28 || batch.getSerializedSize() != body.length) {
            WireLengths.check(body, type);
        }
        return batch;
    }

    /** This codec with another record encoder (a test seam: encoding that fails). */
    EventTableCodec<T> withEncoder(RecordEncoder<T> other) {
        return new EventTableCodec<>(table, json, protobuf, validator, timestamp, other);
    }

    JsonEventReader<T> json() {
        return json;
    }

    BatchParser<T> protobuf() {
        return protobuf;
    }

    ConstraintValidator validator() {
        return validator;
    }

    /** The event's timestamp, or null when it is not set. */
    Timestamp timestampOf(T event) {
        return timestamp.apply(event);
    }

    byte[] encode(List<T> events, String source, long ingestedAtMicros) {
        return encoder.encode(events, source, ingestedAtMicros);
    }

    /**
     * The record for a protobuf batch body without re-serializing its events:
     * the batch's field 1 (the events) has the same number and type in the
     * record, so the body as sent followed by the record's {@code source} (2)
     * and {@code ingested_at_micros} (3) fields is a valid record — and keeps
     * the events byte for byte as the client sent them.
     */
    static byte[] encodeFromBatchBytes(byte[] batchBody, String source, long ingestedAtMicros) {
        int tailSize = com.google.protobuf.CodedOutputStream.computeStringSize(2, source)
                + com.google.protobuf.CodedOutputStream.computeInt64Size(3, ingestedAtMicros);
        byte[] record = java.util.Arrays.copyOf(batchBody, batchBody.length + tailSize);
        com.google.protobuf.CodedOutputStream out = com.google.protobuf.CodedOutputStream.newInstance(record, batchBody.length, tailSize);
        try {
            out.writeString(2, source);
            out.writeInt64(3, ingestedAtMicros);
            out.checkNoSpaceLeft();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("record tail size miscomputed", e);
        }
        return record;
    }
}

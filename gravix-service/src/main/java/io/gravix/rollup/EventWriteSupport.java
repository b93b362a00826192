package io.gravix.rollup;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import io.gravix.api.v1.RequestFact;
import io.gravix.api.v1.ServiceEvent;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

/**
 * Writes {@link EventRow}s of one table straight from the protobuf messages to Parquet's
 * {@link RecordConsumer}: no intermediate object model (Avro, parquet-protobuf), no
 * reflection. Field names and indexes follow {@link ParquetSchemas}; the value rules
 * (defaults, nulls, saturation) are the ones documented there.
 */
abstract sealed class EventWriteSupport<E> extends WriteSupport<EventRow<E>> {
    private final MessageType schema;
    private final Map<String, String> extraMetadata;
    protected RecordConsumer out;

    private EventWriteSupport(MessageType schema, Map<String, String> fileMetadata) {
        this.schema = schema;
        Map<String, String> metadata = new TreeMap<>(fileMetadata);
        metadata.put("gravix.table", schema.getName());
        this.extraMetadata = Map.copyOf(metadata);
    }

    /** @param fileMetadata key-value pairs for the file footer (who wrote it: {@code gravix.instance}, {@code gravix.run}) */
    static EventWriteSupport<RequestFact> requestFacts(Map<String, String> fileMetadata) {
        return new RequestFacts(fileMetadata);
    }

    static EventWriteSupport<ServiceEvent> serviceEvents(Map<String, String> fileMetadata) {
        return new ServiceEvents(fileMetadata);
    }

    @Override
    public final WriteContext init(ParquetConfiguration configuration) {
        return new WriteContext(schema, extraMetadata);
    }

    /** Hadoop's variant: never called on Gravix's path ({@link ParquetEventWriter} passes a plain configuration). */
    @Override
    public final WriteContext init(Configuration configuration) {
        return new WriteContext(schema, extraMetadata);
    }

    @Override
    public final String getName() {
        return "gravix";
    }

    @Override
    public final void prepareForWrite(RecordConsumer recordConsumer) {
        this.out = requireNonNull(recordConsumer, "recordConsumer is null");
    }

    @Override
    public final void write(EventRow<E> row) {
        out.startMessage();
        writeEvent(row.event());
        int next = schema.getFieldCount() - 3;
        string("source", next, row.source());
        int64("ingested_at", next + 1, row.ingestedAtMicros());
        int64("batch_id", next + 2, row.batchId());
        out.endMessage();
    }

    /** Writes the contract's columns, fields 0 .. n-4 of the schema. */
    abstract void writeEvent(E event);

    final void string(String name, int index, String value) {
        out.startField(name, index);
        out.addBinary(Binary.fromString(value));
        out.endField(name, index);
    }

    final void string(String name, int index, ByteString utf8) {
        out.startField(name, index);
        // no copy: a ByteString is immutable
        out.addBinary(Binary.fromConstantByteBuffer(utf8.asReadOnlyByteBuffer()));
        out.endField(name, index);
    }

    /** OPTIONAL string column: nothing is written for an empty value, which reads as null. */
    final void optionalString(String name, int index, ByteString utf8) {
        if (!utf8.isEmpty()) {
            string(name, index, utf8);
        }
    }

    final void int64(String name, int index, long value) {
        out.startField(name, index);
        out.addLong(value);
        out.endField(name, index);
    }

    final void int32(String name, int index, int value) {
        out.startField(name, index);
        out.addInteger(value);
        out.endField(name, index);
    }

    final void float64(String name, int index, double value) {
        out.startField(name, index);
        out.addDouble(value);
        out.endField(name, index);
    }

    final void environment(int index, ByteString utf8) {
        if (utf8.isEmpty()) {
            string("environment", index, ParquetSchemas.DEFAULT_ENVIRONMENT);
        } else {
            string("environment", index, utf8);
        }
    }

    /** The REQUIRED three-level map: the group is always written, with no key_value entries when empty. */
    final void attributes(int index, Map<String, String> attributes) {
        out.startField("attributes", index);
        out.startGroup();
        if (!attributes.isEmpty()) {
            out.startField(ParquetSchemas.MAP_KEY_VALUE, 0);
            for (Map.Entry<String, String> e : attributes.entrySet()) {
                out.startGroup();
                string("key", 0, e.getKey());
                string("value", 1, e.getValue());
                out.endGroup();
            }
            out.endField(ParquetSchemas.MAP_KEY_VALUE, 0);
        }
        out.endGroup();
        out.endField("attributes", index);
    }

    private static final class RequestFacts extends EventWriteSupport<RequestFact> {
        RequestFacts(Map<String, String> fileMetadata) {
            super(ParquetSchemas.REQUEST_FACTS, fileMetadata);
        }

        @Override
        void writeEvent(RequestFact f) {
            if (!f.hasDurationMs() || !f.hasTimestamp()) {
                // ingest validation guarantees both; a spooled event without them is a bug upstream
                throw new IllegalArgumentException("request fact " + f.getEventId() + " has no "
                        + (f.hasTimestamp() ? "duration_ms" : "timestamp"));
            }
            // event_id, service and route as Strings: dedupe and RowOrder have decoded them already,
            // and asking protobuf for their bytes now would encode them again
            string("event_id", 0, f.getEventId());
            int64("ts", 1, ParquetSchemas.epochMicros(f.getTimestamp()));
            string("service", 2, f.getService());
            environment(3, f.getEnvironmentBytes());
            string("route", 4, f.getRoute());
            string("method", 5, f.getMethodBytes());
            int32("status_code", 6, f.getStatusCode());
            float64("duration_ms", 7, f.getDurationMs());
            int64("request_bytes", 8, ParquetSchemas.saturatedUint64(f.getRequestBytes()));
            int64("response_bytes", 9, ParquetSchemas.saturatedUint64(f.getResponseBytes()));
            optionalString("client_id", 10, f.getClientIdBytes());
            optionalString("trace_id", 11, f.getTraceIdBytes());
            attributes(12, f.getAttributesMap());
        }
    }

    private static final class ServiceEvents extends EventWriteSupport<ServiceEvent> {
        ServiceEvents(Map<String, String> fileMetadata) {
            super(ParquetSchemas.SERVICE_EVENTS, fileMetadata);
        }

        @Override
        void writeEvent(ServiceEvent e) {
            if (!e.hasTimestamp()) {
                throw new IllegalArgumentException("service event " + e.getEventId() + " has no timestamp");
            }
            string("event_id", 0, e.getEventId());
            int64("ts", 1, ParquetSchemas.epochMicros(e.getTimestamp()));
            string("service", 2, e.getService());
            environment(3, e.getEnvironmentBytes());
            // UNRECOGNIZED (a number this build does not know) cannot pass ingest validation (defined_only)
            string("kind", 4, e.getKind().name());
            optionalString("version", 5, e.getVersionBytes());
            optionalString("actor", 6, e.getActorBytes());
            optionalString("message", 7, e.getMessageBytes());
            attributes(8, e.getAttributesMap());
        }
    }
}

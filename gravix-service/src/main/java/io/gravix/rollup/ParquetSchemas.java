package io.gravix.rollup;

import static org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit.MICROS;
import static org.apache.parquet.schema.LogicalTypeAnnotation.stringType;
import static org.apache.parquet.schema.LogicalTypeAnnotation.timestampType;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.BINARY;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.DOUBLE;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT32;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT64;

import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/**
 * The Parquet schemas of the lake's two tables, {@code request_facts} and
 * {@code service_events} — described here once; the README's "Lake schema" table, the
 * Trino DDL and the Cube model repeat it and must match it.
 *
 * <p>Columns are the contract fields of {@code proto/gravix/v1} in snake_case, in field
 * number order, followed by three columns the rollup adds. Rules that apply to every
 * column:
 * <ul>
 *   <li><b>Timestamps</b> ({@code ts} for the contract's {@code timestamp}, and
 *       {@code ingested_at}) are INT64 {@code TIMESTAMP(MICROS, isAdjustedToUTC=true)}:
 *       microseconds since the Unix epoch, UTC. A protobuf Timestamp's sub-microsecond
 *       nanos are dropped (truncated towards the past). Trino: {@code timestamp(6)}.
 *   <li><b>Strings</b> are BINARY {@code STRING} (UTF-8). Trino: {@code varchar}.
 *   <li><b>Enums</b> are written as their names ({@code ServiceEvent.Kind} → {@code "DEPLOY"}).
 *   <li><b>uint64</b> ({@code request_bytes}, {@code response_bytes}) are plain INT64
 *       (Trino {@code bigint}), not Parquet's unsigned INT(64,false), which Trino would not
 *       read as bigint. The contract puts no upper bound on them; a value above
 *       2^63-1 (a payload of more than 9.2 exabytes, so in practice a client bug) is
 *       <em>saturated</em> to 2^63-1 = 9223372036854775807, so the column never holds a
 *       negative number and sums stay monotonic.
 *   <li><b>uint32</b> {@code status_code} (100..599 by contract) is INT32. Trino: {@code integer}.
 *   <li><b>attributes</b> is the standard three-level Parquet MAP of STRING to STRING,
 *       REQUIRED: an event without attributes has an empty map, never null. Keys and
 *       values are REQUIRED (protobuf map entries cannot be null). Trino:
 *       {@code map(varchar, varchar)}.
 * </ul>
 *
 * <p>REQUIRED vs OPTIONAL. A column is REQUIRED when ingest guarantees a value or the
 * contract defines a default; the default is written, not null:
 * {@code environment} empty → {@code "production"} (DESIGN.md §3: the default is applied
 * here, at rollup; the spool keeps events exactly as sent), {@code request_bytes} and
 * {@code response_bytes} absent → 0 (the proto3 default, which the contract names). The
 * optional free-text fields without a default — {@code client_id}, {@code trace_id},
 * {@code version}, {@code actor}, {@code message} — are OPTIONAL and an empty string is
 * written as null: proto3 cannot tell "empty" from "not sent", and null is what a SQL
 * user expects for "not sent" ({@code count(trace_id)} counts traced requests).
 *
 * <p>Added by the rollup: {@code source} (the name of the API key that sent the event;
 * REQUIRED STRING), {@code ingested_at} (when Gravix accepted the request that carried
 * the event) and {@code batch_id} (the spool batch the event was rolled up from;
 * REQUIRED INT64). Partition columns {@code dt} and {@code hour} are not in the files:
 * they are the {@code dt=YYYY-MM-DD/hour=HH} directories, derived from {@code ts} (UTC).
 */
public final class ParquetSchemas {
    private ParquetSchemas() {}

    /** What an empty {@code environment} becomes in the lake (DESIGN.md §3). */
    public static final String DEFAULT_ENVIRONMENT = "production";

    /** The {@code request_facts} table. Field order is the writer's field index order. */
    public static final MessageType REQUEST_FACTS = Types.buildMessage()
            .addField(string("event_id", Type.Repetition.REQUIRED))
            .addField(timestamp("ts"))
            .addField(string("service", Type.Repetition.REQUIRED))
            .addField(string("environment", Type.Repetition.REQUIRED))
            .addField(string("route", Type.Repetition.REQUIRED))
            .addField(string("method", Type.Repetition.REQUIRED))
            .addField(Types.required(INT32).named("status_code"))
            .addField(Types.required(DOUBLE).named("duration_ms"))
            .addField(Types.required(INT64).named("request_bytes"))
            .addField(Types.required(INT64).named("response_bytes"))
            .addField(string("client_id", Type.Repetition.OPTIONAL))
            .addField(string("trace_id", Type.Repetition.OPTIONAL))
            .addField(attributes())
            .addField(string("source", Type.Repetition.REQUIRED))
            .addField(timestamp("ingested_at"))
            .addField(Types.required(INT64).named("batch_id"))
            .named("request_facts");

    /** The {@code service_events} table. Field order is the writer's field index order. */
    public static final MessageType SERVICE_EVENTS = Types.buildMessage()
            .addField(string("event_id", Type.Repetition.REQUIRED))
            .addField(timestamp("ts"))
            .addField(string("service", Type.Repetition.REQUIRED))
            .addField(string("environment", Type.Repetition.REQUIRED))
            .addField(string("kind", Type.Repetition.REQUIRED))
            .addField(string("version", Type.Repetition.OPTIONAL))
            .addField(string("actor", Type.Repetition.OPTIONAL))
            .addField(string("message", Type.Repetition.OPTIONAL))
            .addField(attributes())
            .addField(string("source", Type.Repetition.REQUIRED))
            .addField(timestamp("ingested_at"))
            .addField(Types.required(INT64).named("batch_id"))
            .named("service_events");

    /** Name of the repeated key/value group inside a MAP column (the Parquet spec's name). */
    static final String MAP_KEY_VALUE = "key_value";

    private static Type string(String name, Type.Repetition repetition) {
        return Types.primitive(BINARY, repetition).as(stringType()).named(name);
    }

    private static Type timestamp(String name) {
        return Types.required(INT64).as(timestampType(true, MICROS)).named(name);
    }

    private static GroupType attributes() {
        return Types.requiredMap()
                .key(Types.required(BINARY).as(stringType()).named("key"))
                .value(Types.required(BINARY).as(stringType()).named("value"))
                .named("attributes");
    }

    /** A {@code uint64} read into a Java long (two's complement) as the INT64 column value: saturated at 2^63-1. */
    static long saturatedUint64(long unsignedBits) {
        return unsignedBits < 0 ? Long.MAX_VALUE : unsignedBits;
    }

    /** Microseconds since the epoch of a protobuf Timestamp; sub-microsecond nanos are truncated. */
    static long epochMicros(com.google.protobuf.Timestamp timestamp) {
        return Math.addExact(Math.multiplyExact(timestamp.getSeconds(), 1_000_000L), timestamp.getNanos() / 1_000);
    }
}

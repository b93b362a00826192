package io.gravix.rollup.columns;

import io.gravix.api.v1.ServiceEvent;
import io.gravix.rollup.ParquetSchemas;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.io.api.Binary;

/** The {@code service_events} columns of a run ({@code gravix.v1.ServiceEvent}, {@link ParquetSchemas#SERVICE_EVENTS}). */
final class ServiceEventColumns extends EventColumns {
    private static final int KIND = 5 << 3 | WireReader.VARINT;
    private static final int VERSION = 6 << 3 | WireReader.LENGTH_DELIMITED;
    private static final int ACTOR = 7 << 3 | WireReader.LENGTH_DELIMITED;
    private static final int MESSAGE = 8 << 3 | WireReader.LENGTH_DELIMITED;
    private static final int ATTRIBUTES_FIELD = 9;
    /** Enum values are written as their names; index = the enum's number. */
    private static final Binary[] KIND_NAMES = kindNames();

    private int[] kind;
    private long[] version;
    private CodedStrings kindCodes;
    private long[] actor;
    private long[] message;

    ServiceEventColumns(int arenaBytes, ColumnArrays arrays) {
        super(ParquetSchemas.SERVICE_EVENTS, ATTRIBUTES_FIELD, arenaBytes, arrays);
        kind = arrays.ints("kind", capacity);
        version = arrays.longs("version", capacity);
        actor = arrays.longs("actor", capacity);
        message = arrays.longs("message", capacity);
    }

    @Override
    void releaseTableArrays(ColumnArrays arrays) {
        arrays.give("kind", kind);
        arrays.give("version", version);
        arrays.give("actor", actor);
        arrays.give("message", message);
    }

    private static Binary[] kindNames() {
        ServiceEvent.Kind[] kinds = ServiceEvent.Kind.values();
        Binary[] names = new Binary[kinds.length];
        for (ServiceEvent.Kind k : kinds) {
            if (k != ServiceEvent.Kind.UNRECOGNIZED) {
                names[k.getNumber()] = Binary.fromConstantByteArray(k.name().getBytes(StandardCharsets.UTF_8));
            }
        }
        return names;
    }

    @Override
    void growTable(int n) {
        kind = Arrays.copyOf(kind, n);
        version = Arrays.copyOf(version, n);
        actor = Arrays.copyOf(actor, n);
        message = Arrays.copyOf(message, n);
    }

    @Override
    void moveTableRow(int from, int to) {
        kind[to] = kind[from];
        version[to] = version[from];
        actor[to] = actor[from];
        message[to] = message[from];
    }

    @Override
    long bytesPerRow() {
        return super.bytesPerRow() + 4 + 8 + 8 + 8;
    }

    @Override
    Decoder newDecoder(boolean ofRun) {
        return new EventDecoder(ofRun);
    }

    /** Decodes service events: their own fields hold no dictionary codes (kind is an enum number). */
    private final class EventDecoder extends Decoder {
        EventDecoder(boolean ofRun) {
            super(ofRun);
        }

        @Override
        void startRow(int row) {
            kind[row] = 0;
            version[row] = 0;
            actor[row] = 0;
            message[row] = 0;
        }

        @Override
        boolean readTableField(int tag, WireReader r, int row) {
            switch (tag) {
                case KIND -> kind[row] = r.readVarint32();
                case VERSION -> version[row] = readSlice(r);
                case ACTOR -> actor[row] = readSlice(r);
                case MESSAGE -> message[row] = readSlice(r);
                default -> {
                    return false;
                }
            }
            return true;
        }

        @Override
        void finishRow(int row, long eventId) {
            int k = kind[row];
            if (k < 0 || k >= KIND_NAMES.length || KIND_NAMES[k] == null) {
                // ingest validation (defined_only) refuses numbers this build does not know
                throw new MalformedRecordException("service event " + slice(eventId) + " has unknown kind " + k);
            }
        }
    }

    @Override
    void sealTable() {
        kindCodes = CodedStrings.perRow(KIND_NAMES, kind);
    }

    @Override
    CodedStrings codedStrings(int column) {
        return switch (column) {
            case 2 -> serviceCodes();
            case 3 -> environmentCodes();
            case 4 -> kindCodes;
            case 10 -> sourceCodes();
            default -> null;
        };
    }

    @Override
    int secondaryRank(int row) {
        return 0;
    }

    @Override
    void writeColumn(int column, ColumnWriter w, int[] rows, int from, int to, PageScratch s) {
        switch (column) {
            case 0 -> writeEventId(w, rows, from, to, s);
            case 1 -> writeTimestamps(w, rows, from, to, s);
            case 2 -> writeService(w, rows, from, to, s);
            case 3 -> writeEnvironment(w, rows, from, to, s);
            case 4 -> writeCodes(w, kind, KIND_NAMES, rows, from, to, s);
            case 5 -> writeOptional(w, version, rows, from, to, s);
            case 6 -> writeOptional(w, actor, rows, from, to, s);
            case 7 -> writeOptional(w, message, rows, from, to, s);
            case 8 -> writeAttributeKeys(w, rows, from, to, s);
            case 9 -> writeAttributeValues(w, rows, from, to, s);
            case 10 -> writeSource(w, rows, from, to, s);
            case 11 -> writeIngestedAt(w, rows, from, to, s);
            case 12 -> writeBatchId(w, rows, from, to, s);
            default -> throw new IllegalArgumentException("service_events has no leaf column " + column);
        }
    }
}

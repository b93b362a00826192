package io.gravix.rollup.columns;

import io.gravix.rollup.ParquetSchemas;
import java.util.Arrays;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.io.api.Binary;

/** The {@code request_facts} columns of a run ({@code gravix.v1.RequestFact}, {@link ParquetSchemas#REQUEST_FACTS}). */
final class RequestFactColumns extends EventColumns {
    private static final int ROUTE = 5 << 3 | WireReader.LENGTH_DELIMITED;
    private static final int METHOD = 6 << 3 | WireReader.LENGTH_DELIMITED;
    private static final int STATUS_CODE = 7 << 3 | WireReader.VARINT;
    private static final int DURATION_MS = 8 << 3 | WireReader.FIXED64;
    private static final int REQUEST_BYTES = 9 << 3 | WireReader.VARINT;
    private static final int RESPONSE_BYTES = 10 << 3 | WireReader.VARINT;
    private static final int CLIENT_ID = 11 << 3 | WireReader.LENGTH_DELIMITED;
    private static final int TRACE_ID = 12 << 3 | WireReader.LENGTH_DELIMITED;
    private static final int ATTRIBUTES_FIELD = 13;

    private int[] route;
    private int[] method;
    private int[] statusCode;
    private double[] durationMs;
    private long[] requestBytes;
    private long[] responseBytes;
    private long[] clientId;
    private long[] traceId;
    private final SliceDictionary routes = new SliceDictionary();
    private final SliceDictionary methods = new SliceDictionary();
    private Binary[] routeValues;
    private Binary[] methodValues;
    private int[] routeRanks;
    private CodedStrings routeCodes;
    private CodedStrings methodCodes;

    RequestFactColumns(int arenaBytes, ColumnArrays arrays) {
        super(ParquetSchemas.REQUEST_FACTS, ATTRIBUTES_FIELD, arenaBytes, arrays);
        route = arrays.ints("route", capacity);
        method = arrays.ints("method", capacity);
        statusCode = arrays.ints("statusCode", capacity);
        durationMs = arrays.doubles("durationMs", capacity);
        requestBytes = arrays.longs("requestBytes", capacity);
        responseBytes = arrays.longs("responseBytes", capacity);
        clientId = arrays.longs("clientId", capacity);
        traceId = arrays.longs("traceId", capacity);
    }

    @Override
    void releaseTableArrays(ColumnArrays arrays) {
        arrays.give("route", route);
        arrays.give("method", method);
        arrays.give("statusCode", statusCode);
        arrays.give("durationMs", durationMs);
        arrays.give("requestBytes", requestBytes);
        arrays.give("responseBytes", responseBytes);
        arrays.give("clientId", clientId);
        arrays.give("traceId", traceId);
    }

    @Override
    void growTable(int n) {
        route = Arrays.copyOf(route, n);
        method = Arrays.copyOf(method, n);
        statusCode = Arrays.copyOf(statusCode, n);
        durationMs = Arrays.copyOf(durationMs, n);
        requestBytes = Arrays.copyOf(requestBytes, n);
        responseBytes = Arrays.copyOf(responseBytes, n);
        clientId = Arrays.copyOf(clientId, n);
        traceId = Arrays.copyOf(traceId, n);
    }

    @Override
    void moveTableRow(int from, int to) {
        route[to] = route[from];
        method[to] = method[from];
        statusCode[to] = statusCode[from];
        durationMs[to] = durationMs[from];
        requestBytes[to] = requestBytes[from];
        responseBytes[to] = responseBytes[from];
        clientId[to] = clientId[from];
        traceId[to] = traceId[from];
    }

    @Override
    long bytesPerRow() {
        return super.bytesPerRow() + 4 + 4 + 4 + 8 + 8 + 8 + 8 + 8;
    }

    @Override
    Decoder newDecoder(boolean ofRun) {
        return new FactDecoder(ofRun);
    }

    /** Decodes request facts: route and method coded in its dictionaries, duration required. */
    private final class FactDecoder extends Decoder {
        private final SliceDictionary routes;
        private final SliceDictionary methods;
        private long pendingRoute;
        private long pendingMethod;
        private boolean hasDuration;

        FactDecoder(boolean ofRun) {
            super(ofRun);
            routes = ofRun ? RequestFactColumns.this.routes : new SliceDictionary();
            methods = ofRun ? RequestFactColumns.this.methods : new SliceDictionary();
        }

        @Override
        void startRow(int row) {
            pendingRoute = 0;
            pendingMethod = 0;
            hasDuration = false;
            statusCode[row] = 0;
            durationMs[row] = 0;
            requestBytes[row] = 0;
            responseBytes[row] = 0;
            clientId[row] = 0;
            traceId[row] = 0;
        }

        @Override
        boolean readTableField(int tag, WireReader r, int row) {
            switch (tag) {
                case ROUTE -> pendingRoute = readSlice(r);
                case METHOD -> pendingMethod = readSlice(r);
                case STATUS_CODE -> statusCode[row] = r.readVarint32();
                case DURATION_MS -> {
                    durationMs[row] = r.readDouble();
                    hasDuration = true;
                }
                case REQUEST_BYTES -> requestBytes[row] = saturatedUint64(r.readVarint64());
                case RESPONSE_BYTES -> responseBytes[row] = saturatedUint64(r.readVarint64());
                case CLIENT_ID -> clientId[row] = readSlice(r);
                case TRACE_ID -> traceId[row] = readSlice(r);
                default -> {
                    return false;
                }
            }
            return true;
        }

        @Override
        void finishRow(int row, long eventId) {
            if (!hasDuration) {
                // ingest validation requires it; a spooled fact without one is a bug upstream
                throw new MalformedRecordException("request fact " + slice(eventId) + " has no duration_ms");
            }
            route[row] = routes.codeOf(arena, off(pendingRoute), len(pendingRoute));
            method[row] = methods.codeOf(arena, off(pendingMethod), len(pendingMethod));
        }

        @Override
        void recodeTableInto(int from, int to) {
            int[] routeCodes = recode(routes, RequestFactColumns.this.routes);
            int[] methodCodes = recode(methods, RequestFactColumns.this.methods);
            for (int row = from; row < to; row++) {
                route[row] = routeCodes[route[row]];
                method[row] = methodCodes[method[row]];
            }
        }
    }

    /** A {@code uint64} as the INT64 column holds it: saturated at 2^63-1 ({@link ParquetSchemas}). */
    private static long saturatedUint64(long unsignedBits) {
        return unsignedBits < 0 ? Long.MAX_VALUE : unsignedBits;
    }

    @Override
    void sealTable() {
        routeValues = routes.binaries(arena);
        methodValues = methods.binaries(arena);
        routeRanks = routes.ranks(arena);
        routeCodes = CodedStrings.perRow(routeValues, route);
        methodCodes = CodedStrings.perRow(methodValues, method);
    }

    @Override
    CodedStrings codedStrings(int column) {
        return switch (column) {
            case 2 -> serviceCodes();
            case 3 -> environmentCodes();
            case 4 -> routeCodes;
            case 5 -> methodCodes;
            case 14 -> sourceCodes();
            default -> null;
        };
    }

    @Override
    int secondaryRank(int row) {
        return routeRanks[route[row]];
    }

    @Override
    void writeColumn(int column, ColumnWriter w, int[] rows, int from, int to, PageScratch s) {
        switch (column) {
            case 0 -> writeEventId(w, rows, from, to, s);
            case 1 -> writeTimestamps(w, rows, from, to, s);
            case 2 -> writeService(w, rows, from, to, s);
            case 3 -> writeEnvironment(w, rows, from, to, s);
            case 4 -> writeCodes(w, route, routeValues, rows, from, to, s);
            case 5 -> writeCodes(w, method, methodValues, rows, from, to, s);
            case 6 -> writeInts(w, statusCode, rows, from, to, s);
            case 7 -> writeDoubles(w, durationMs, rows, from, to, s);
            case 8 -> writeLongs(w, requestBytes, rows, from, to, s);
            case 9 -> writeLongs(w, responseBytes, rows, from, to, s);
            case 10 -> writeOptional(w, clientId, rows, from, to, s);
            case 11 -> writeOptional(w, traceId, rows, from, to, s);
            case 12 -> writeAttributeKeys(w, rows, from, to, s);
            case 13 -> writeAttributeValues(w, rows, from, to, s);
            case 14 -> writeSource(w, rows, from, to, s);
            case 15 -> writeIngestedAt(w, rows, from, to, s);
            case 16 -> writeBatchId(w, rows, from, to, s);
            default -> throw new IllegalArgumentException("request_facts has no leaf column " + column);
        }
    }
}

package io.gravix.api.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.google.protobuf.Timestamp;
import io.gravix.api.v1.RequestFact;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/** Decodes {@link RequestFact}s from JSON; see {@link JsonEventReader} for the rules. */
public final class RequestFactJsonReader extends JsonEventReader<RequestFact> {

    @Override
    protected RequestFact readEvent(JsonParser p, int index) throws IOException {
        RequestFact.Builder b = RequestFact.newBuilder();
        long seen = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            switch (name) {
                case "eventId":
                case "event_id": {
                    seen = markSeen(seen, 1, index, "event_id");
                    String v = readString(p, index, "event_id");
                    if (v != null) b.setEventId(v);
                    break;
                }
                case "timestamp": {
                    seen = markSeen(seen, 2, index, "timestamp");
                    Timestamp v = readTimestamp(p, index, "timestamp");
                    if (v != null) b.setTimestamp(v);
                    break;
                }
                case "service": {
                    seen = markSeen(seen, 3, index, "service");
                    String v = readString(p, index, "service");
                    if (v != null) b.setService(v);
                    break;
                }
                case "environment": {
                    seen = markSeen(seen, 4, index, "environment");
                    String v = readString(p, index, "environment");
                    if (v != null) b.setEnvironment(v);
                    break;
                }
                case "route": {
                    seen = markSeen(seen, 5, index, "route");
                    String v = readString(p, index, "route");
                    if (v != null) b.setRoute(v);
                    break;
                }
                case "method": {
                    seen = markSeen(seen, 6, index, "method");
                    String v = readString(p, index, "method");
                    if (v != null) b.setMethod(v);
                    break;
                }
                case "statusCode":
                case "status_code": {
                    seen = markSeen(seen, 7, index, "status_code");
                    long v = readUInt32(p, index, "status_code");
                    if (v >= 0) b.setStatusCode((int) v);
                    break;
                }
                case "durationMs":
                case "duration_ms": {
                    seen = markSeen(seen, 8, index, "duration_ms");
                    Double v = readDouble(p, index, "duration_ms");
                    if (v != null) b.setDurationMs(v);
                    break;
                }
                case "requestBytes":
                case "request_bytes": {
                    seen = markSeen(seen, 9, index, "request_bytes");
                    Long v = readUInt64(p, index, "request_bytes");
                    if (v != null) b.setRequestBytes(v);
                    break;
                }
                case "responseBytes":
                case "response_bytes": {
                    seen = markSeen(seen, 10, index, "response_bytes");
                    Long v = readUInt64(p, index, "response_bytes");
                    if (v != null) b.setResponseBytes(v);
                    break;
                }
                case "clientId":
                case "client_id": {
                    seen = markSeen(seen, 11, index, "client_id");
                    String v = readString(p, index, "client_id");
                    if (v != null) b.setClientId(v);
                    break;
                }
                case "traceId":
                case "trace_id": {
                    seen = markSeen(seen, 12, index, "trace_id");
                    String v = readString(p, index, "trace_id");
                    if (v != null) b.setTraceId(v);
                    break;
                }
                case "attributes": {
                    seen = markSeen(seen, 13, index, "attributes");
                    Map<String, String> m = new HashMap<>();
                    readStringMap(p, index, "attributes", m);
                    b.putAllAttributes(m);
                    break;
                }
                default:
                    throw unknownField(index, name);
            }
        }
        return b.build();
    }
}

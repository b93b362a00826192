package io.gravix.api.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.google.protobuf.Timestamp;
import io.gravix.api.v1.ServiceEvent;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/** Decodes {@link ServiceEvent}s from JSON; see {@link JsonEventReader} for the rules. */
public final class ServiceEventJsonReader extends JsonEventReader<ServiceEvent> {

    @Override
    protected ServiceEvent readEvent(JsonParser p, int index) throws IOException {
        ServiceEvent.Builder b = ServiceEvent.newBuilder();
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
                case "kind": {
                    seen = markSeen(seen, 5, index, "kind");
                    Integer v = readEnum(p, index, "kind", ServiceEvent.Kind.getDescriptor());
                    if (v != null) b.setKindValue(v);
                    break;
                }
                case "version": {
                    seen = markSeen(seen, 6, index, "version");
                    String v = readString(p, index, "version");
                    if (v != null) b.setVersion(v);
                    break;
                }
                case "actor": {
                    seen = markSeen(seen, 7, index, "actor");
                    String v = readString(p, index, "actor");
                    if (v != null) b.setActor(v);
                    break;
                }
                case "message": {
                    seen = markSeen(seen, 8, index, "message");
                    String v = readString(p, index, "message");
                    if (v != null) b.setMessage(v);
                    break;
                }
                case "attributes": {
                    seen = markSeen(seen, 9, index, "attributes");
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

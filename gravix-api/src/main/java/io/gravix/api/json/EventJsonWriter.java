package io.gravix.api.json;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import io.gravix.api.v1.RequestFact;
import io.gravix.api.v1.ServiceEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * Writes events as proto3 JSON (lowerCamelCase names, RFC 3339 timestamps,
 * enum names, default values omitted), as a JSON array or as NDJSON. Used by
 * clients such as the load generator; what it writes {@link JsonEventReader} reads.
 */
public final class EventJsonWriter {
    // Characters outside the BMP are written as 4-byte UTF-8, not as escaped surrogate pairs:
    // Jackson's byte parser (2.21) rejects escaped pairs in object keys, so attribute keys
    // holding such characters would not read back.
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            .build();

    private EventJsonWriter() {}

    public static byte[] requestFactsArray(List<RequestFact> facts) {
        return write(g -> {
            g.writeStartArray();
            for (RequestFact f : facts) {
                writeRequestFact(g, f);
            }
            g.writeEndArray();
        });
    }

    public static byte[] requestFactsNdjson(List<RequestFact> facts) {
        return write(g -> {
            for (RequestFact f : facts) {
                writeRequestFact(g, f);
                g.writeRaw('\n');
            }
        });
    }

    public static byte[] serviceEventsArray(List<ServiceEvent> events) {
        return write(g -> {
            g.writeStartArray();
            for (ServiceEvent e : events) {
                writeServiceEvent(g, e);
            }
            g.writeEndArray();
        });
    }

    public static byte[] serviceEventsNdjson(List<ServiceEvent> events) {
        return write(g -> {
            for (ServiceEvent e : events) {
                writeServiceEvent(g, e);
                g.writeRaw('\n');
            }
        });
    }

    public static byte[] requestFact(RequestFact fact) {
        return write(g -> writeRequestFact(g, fact));
    }

    public static byte[] serviceEvent(ServiceEvent event) {
        return write(g -> writeServiceEvent(g, event));
    }

    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] write(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            g.setRootValueSeparator(null);
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void writeRequestFact(JsonGenerator g, RequestFact f) throws IOException {
        g.writeStartObject();
        string(g, "eventId", f.getEventId());
        if (f.hasTimestamp()) {
            g.writeStringField("timestamp", Rfc3339.format(f.getTimestamp()));
        }
        string(g, "service", f.getService());
        string(g, "environment", f.getEnvironment());
        string(g, "route", f.getRoute());
        string(g, "method", f.getMethod());
        if (f.getStatusCode() != 0) {
            g.writeNumberField("statusCode", Integer.toUnsignedLong(f.getStatusCode()));
        }
        if (f.hasDurationMs()) {
            g.writeNumberField("durationMs", f.getDurationMs());
        }
        if (f.getRequestBytes() != 0) {
            g.writeStringField("requestBytes", Long.toUnsignedString(f.getRequestBytes()));
        }
        if (f.getResponseBytes() != 0) {
            g.writeStringField("responseBytes", Long.toUnsignedString(f.getResponseBytes()));
        }
        string(g, "clientId", f.getClientId());
        string(g, "traceId", f.getTraceId());
        attributes(g, f.getAttributesMap());
        g.writeEndObject();
    }

    private static void writeServiceEvent(JsonGenerator g, ServiceEvent e) throws IOException {
        g.writeStartObject();
        string(g, "eventId", e.getEventId());
        if (e.hasTimestamp()) {
            g.writeStringField("timestamp", Rfc3339.format(e.getTimestamp()));
        }
        string(g, "service", e.getService());
        string(g, "environment", e.getEnvironment());
        if (e.getKindValue() != 0) {
            if (e.getKind() == ServiceEvent.Kind.UNRECOGNIZED) {
                g.writeNumberField("kind", e.getKindValue());
            } else {
                g.writeStringField("kind", e.getKind().name());
            }
        }
        string(g, "version", e.getVersion());
        string(g, "actor", e.getActor());
        string(g, "message", e.getMessage());
        attributes(g, e.getAttributesMap());
        g.writeEndObject();
    }

    private static void string(JsonGenerator g, String name, String value) throws IOException {
        if (!value.isEmpty()) {
            g.writeStringField(name, value);
        }
    }

    private static void attributes(JsonGenerator g, Map<String, String> attributes) throws IOException {
        if (attributes.isEmpty()) {
            return;
        }
        g.writeObjectFieldStart("attributes");
        for (Map.Entry<String, String> e : attributes.entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
    }
}

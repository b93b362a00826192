package io.gravix.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gravix.api.json.EventJsonWriter;
import io.gravix.api.v1.RequestFact;
import io.gravix.api.v1.ServiceEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

/**
 * Request bodies for ingest tests: events as editable JSON trees (written by the
 * clients' {@link EventJsonWriter}, so lowerCamelCase), their snake_case form,
 * and the byte forms the API takes.
 */
public final class EventBodies {
    public static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern UPPER = Pattern.compile("[A-Z]");

    private EventBodies() {}

    public static ObjectNode json(RequestFact fact) {
        return parse(EventJsonWriter.requestFact(fact));
    }

    public static ObjectNode json(ServiceEvent event) {
        return parse(EventJsonWriter.serviceEvent(event));
    }

    /** The same event with every field name in its proto (snake_case) spelling; attribute keys are data and stay. */
    public static ObjectNode snakeCase(ObjectNode event) {
        ObjectNode out = JSON.createObjectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = event.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            Matcher m = UPPER.matcher(field.getKey());
            String snake = m.replaceAll(r -> "_" + r.group().toLowerCase(java.util.Locale.ROOT));
            out.set(snake, field.getValue().deepCopy());
        }
        return out;
    }

    public static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] array(List<? extends JsonNode> events) {
        ArrayNode array = JSON.createArrayNode();
        events.forEach(array::add);
        return bytes(array);
    }

    /** One object per line, each line ended by a newline. */
    public static byte[] ndjson(List<? extends JsonNode> events) {
        StringBuilder s = new StringBuilder();
        for (JsonNode e : events) {
            s.append(e.toString()).append('\n');
        }
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] gzip(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static ObjectNode parse(byte[] json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

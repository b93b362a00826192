package io.gravix.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gravix.dlq.DeadLetterEntry;
import io.gravix.dlq.DeadLetterInspector;
import io.gravix.spool.SpoolFile;
import io.gravix.spool.SpoolFileSalvager;
import java.time.Instant;

/** The JSON the DLQ tasks answer with. Names and sizes only: no local paths reach the client. */
final class DlqJson {
    private DlqJson() {}

    static ObjectNode entry(DeadLetterEntry entry) {
        ObjectNode json = JsonNodeFactory.instance.objectNode()
                .put("name", entry.name())
                .put("table", entry.table().tableName())
                .put("bytes", entry.bytes());
        json.set("reason", entry.reason());
        return json;
    }

    static ObjectNode inspection(DeadLetterInspector.Inspection in) {
        ObjectNode json = entry(in.entry());
        SpoolFile.Header h = in.header();
        if (h != null) {
            json.putObject("header")
                    .put("table", h.table().tableName())
                    .put("batchId", h.batchId())
                    .put("createdAt", Instant.ofEpochMilli(h.createdAtMillis()).toString());
        } else {
            json.putNull("header");
            json.putObject("headerError").put("problem", in.headerError().problem()).put("offset", in.headerError().offset());
        }
        json.put("readableFrames", in.readableFrames())
                .put("decodableFrames", in.decodableFrames())
                .put("events", in.events())
                .put("damagedRegions", in.damagedRegions())
                .put("undecodableFrames", in.undecodableFrames());
        ArrayNode damage = json.putArray("damage");
        for (SpoolFileSalvager.Damage d : in.damage()) {
            damage.addObject().put("offset", d.offset()).put("length", d.length());
        }
        ArrayNode undecodable = json.putArray("undecodable");
        for (DeadLetterInspector.UndecodableFrame u : in.undecodable()) {
            undecodable.addObject().put("offset", u.offset()).put("error", u.error());
        }
        ArrayNode frames = json.putArray("frames");
        for (DeadLetterInspector.ShownFrame f : in.firstFrames()) {
            ObjectNode frame = frames.addObject()
                    .put("offset", f.offset())
                    .put("source", f.source())
                    .put("ingestedAt", instantOfMicros(f.ingestedAtMicros()));
            frame.putArray("events").addAll(f.events());
        }
        return json;
    }

    private static String instantOfMicros(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000), Math.floorMod(micros, 1_000_000) * 1_000L).toString();
    }
}

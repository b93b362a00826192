package io.gravix.admin.console;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.gravix.api.json.EventJsonWriter;
import io.gravix.api.spool.v1.RequestFactRecord;
import io.gravix.api.spool.v1.ServiceEventRecord;
import io.gravix.api.v1.RequestFact;
import io.gravix.api.v1.ServiceEvent;
import io.gravix.ingest.IngestTap;
import io.gravix.spool.SpoolFile;
import io.gravix.spool.SpoolRecords;
import io.gravix.spool.Table;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * {@code GET /console/tap?table=request_facts|service_events[&service=<name>][&limit=N]}: the
 * newest acknowledged events of a table (at most {@value #MAX_EVENTS}), newest first, as JSON,
 * decoded from the tap's frames now. Behind the admin token (it shows event contents).
 */
public final class TapServlet extends HttpServlet {
    static final int MAX_EVENTS = 500;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final IngestTap tap;

    public TapServlet(IngestTap tap) {
        this.tap = requireNonNull(tap, "tap is null");
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("application/json");
        resp.setHeader("Cache-Control", "no-store");
        Table table = table(req.getParameter("table"));
        if (table == null) {
            resp.setStatus(400);
            JSON.writeValue(resp.getOutputStream(), JSON.createObjectNode()
                    .put("error", "parameter table must be request_facts or service_events"));
            return;
        }
        String service = req.getParameter("service");
        int limit = MAX_EVENTS;
        try {
            if (req.getParameter("limit") != null) {
                limit = Math.max(1, Math.min(MAX_EVENTS, Integer.parseInt(req.getParameter("limit"))));
            }
        } catch (NumberFormatException e) {
            resp.setStatus(400);
            JSON.writeValue(resp.getOutputStream(), JSON.createObjectNode().put("error", "parameter limit must be a whole number 1.." + MAX_EVENTS));
            return;
        }
        ObjectNode body = JSON.createObjectNode().put("table", table.tableName());
        ArrayNode events = body.putArray("events");
        for (IngestTap.Tapped t : tap.newestFirst(table)) {
            if (events.size() >= limit) {
                break;
            }
            addEvents(events, t, service == null || service.isBlank() ? null : service.trim(), limit);
        }
        body.put("tooLargeToTap", tap.tooLarge(table));
        JSON.writeValue(resp.getOutputStream(), body);
    }

    private static void addEvents(ArrayNode out, IngestTap.Tapped t, String service, int limit) throws IOException {
        byte[] f = t.frame();
        int length = f.length - SpoolFile.FRAME_OVERHEAD;
        String source;
        List<? extends Message> events;
        try {
            if (t.table() == Table.REQUEST_FACTS) {
                RequestFactRecord r = SpoolRecords.parseRequestFacts(f, SpoolFile.FRAME_OVERHEAD, length);
                source = r.getSource();
                events = r.getFactsList();
            } else {
                ServiceEventRecord r = SpoolRecords.parseServiceEvents(f, SpoolFile.FRAME_OVERHEAD, length);
                source = r.getSource();
                events = r.getEventsList();
            }
        } catch (InvalidProtocolBufferException e) {
            return; // ingest wrote it; cannot happen short of a bug, and the tap is only a glimpse
        }
        // Newest first within the request too.
        for (int i = events.size() - 1; i >= 0 && out.size() < limit; i--) {
            Message e = events.get(i);
            String eventService = e instanceof RequestFact rf ? rf.getService() : ((ServiceEvent) e).getService();
            if (service != null && !service.equals(eventService)) {
                continue;
            }
            byte[] json = e instanceof RequestFact rf ? EventJsonWriter.requestFact(rf) : EventJsonWriter.serviceEvent((ServiceEvent) e);
            ObjectNode row = out.addObject();
            row.put("acknowledged_at", Instant.ofEpochMilli(t.acknowledgedAtMillis()).toString());
            row.put("source", source);
            row.set("event", JSON.readTree(json));
        }
    }

    private static Table table(String name) {
        for (Table t : Table.values()) {
            if (t.tableName().equals(name)) {
                return t;
            }
        }
        return null;
    }
}

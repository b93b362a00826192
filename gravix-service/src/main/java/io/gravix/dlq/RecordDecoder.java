package io.gravix.dlq;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.gravix.api.json.EventJsonWriter;
import io.gravix.api.spool.v1.RequestFactRecord;
import io.gravix.api.spool.v1.ServiceEventRecord;
import io.gravix.api.v1.RequestFact;
import io.gravix.api.v1.ServiceEvent;
import io.gravix.api.validate.ConstraintValidator;
import io.gravix.api.validate.Violation;
import io.gravix.spool.SpoolRecords;
import io.gravix.spool.Table;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes a salvaged frame payload strictly as a record of one table. Protobuf parses
 * many byte strings that were never a record (unknown fields, empty messages), so a
 * payload counts as the table's record only if it is one Gravix could have written: it
 * parses, has no unknown fields in the record or its events, holds at least one event
 * (ingest refuses empty requests), and every event keeps the contract's constraints
 * (checked at ingest). Only such frames are replayed.
 */
final class RecordDecoder {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ConstraintValidator FACTS = ConstraintValidator.forType(RequestFact.getDescriptor());
    private static final ConstraintValidator EVENTS = ConstraintValidator.forType(ServiceEvent.getDescriptor());

    /** Why a payload is not the table's record. */
    static final class Undecodable extends Exception {
        Undecodable(String message) {
            super(message);
        }
    }

    /** A decoded record: who sent it, when it was accepted, and its events. */
    record Decoded(String source, long ingestedAtMicros, List<? extends Message> events) {
        /** The events as proto3 JSON, as the ingest API accepts them. */
        List<JsonNode> eventsAsJson() {
            List<JsonNode> json = new ArrayList<>(events.size());
            for (Message event : events) {
                byte[] bytes = event instanceof RequestFact f ? EventJsonWriter.requestFact(f) : EventJsonWriter.serviceEvent((ServiceEvent) event);
                try {
                    json.add(JSON.readTree(bytes));
                } catch (IOException e) {
                    throw new UncheckedIOException(e); // EventJsonWriter writes valid JSON
                }
            }
            return json;
        }
    }

    private RecordDecoder() {}

    static Decoded decode(Table table, byte[] payload) throws Undecodable {
        try {
            if (table == Table.REQUEST_FACTS) {
                RequestFactRecord r = SpoolRecords.parseRequestFacts(payload, 0, payload.length);
                check(table, r, r.getFactsList(), FACTS);
                return new Decoded(r.getSource(), r.getIngestedAtMicros(), r.getFactsList());
            }
            ServiceEventRecord r = SpoolRecords.parseServiceEvents(payload, 0, payload.length);
            check(table, r, r.getEventsList(), EVENTS);
            return new Decoded(r.getSource(), r.getIngestedAtMicros(), r.getEventsList());
        } catch (InvalidProtocolBufferException e) {
            throw new Undecodable("not a " + table.tableName() + " record: " + e.getMessage());
        }
    }

    private static void check(Table table, Message record, List<? extends Message> events, ConstraintValidator validator)
            throws Undecodable {
        String prefix = "not a " + table.tableName() + " record: ";
        if (!record.getUnknownFields().asMap().isEmpty()) {
            throw new Undecodable(prefix + "unknown fields " + record.getUnknownFields().asMap().keySet());
        }
        if (events.isEmpty()) {
            throw new Undecodable(prefix + "it holds no event");
        }
        List<Violation> violations = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            Message event = events.get(i);
            if (!event.getUnknownFields().asMap().isEmpty()) {
                throw new Undecodable(prefix + "event " + i + " has unknown fields " + event.getUnknownFields().asMap().keySet());
            }
            validator.validate(event, violations);
            if (!violations.isEmpty()) {
                Violation v = violations.get(0);
                throw new Undecodable(prefix + "event " + i + " breaks the contract: " + v.field() + " " + v.message());
            }
        }
    }
}

package io.gravix.ingest;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Message;
import io.gravix.api.json.EventDecodeException;
import io.gravix.api.json.TextEncodings;
import io.gravix.api.json.TooManyEventsException;
import io.gravix.api.validate.Violation;
import io.gravix.spool.SpoolFile;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The CPU part of ingest, independent of HTTP: decode a body, validate every
 * event, and build the spool frame. Runs on request threads, in parallel.
 * Either the whole request becomes one frame or an {@link IngestException}
 * says why not; nothing is half-accepted.
 *
 * @param <T> the event message type
 */
public final class EventPreparer<T extends Message> {

    /** A request ready for the spool: one frame holding {@code events} events. */
    public record PreparedFrame(byte[] frame, int events) {}

    private final EventTableCodec<T> codec;
    private final IngestConfig config;
    private final TimestampWindow window;
    private final Clock clock;

    EventPreparer(EventTableCodec<T> codec, IngestConfig config, Clock clock) {
        this.codec = requireNonNull(codec, "codec is null");
        this.config = requireNonNull(config, "config is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.window = new TimestampWindow(clock, config);
    }

    public static EventPreparer<?> forRequestFacts(IngestConfig config, Clock clock) {
        return new EventPreparer<>(EventTableCodec.requestFacts(), config, clock);
    }

    public static EventPreparer<?> forServiceEvents(IngestConfig config, Clock clock) {
        return new EventPreparer<>(EventTableCodec.serviceEvents(), config, clock);
    }

    public io.gravix.spool.Table table() {
        return codec.table();
    }

    /** Decodes, validates and frames {@code body}; {@code source} is the API key's name. */
    public PreparedFrame prepare(BodyFormat format, byte[] body, String source) {
        List<T> events = decode(format, body);
        validate(events);
        long micros = Math.multiplyExact(clock.millis(), 1000L);
        byte[] payload = format == BodyFormat.PROTOBUF
                ? EventTableCodec.encodeFromBatchBytes(body, source, micros)
                : codec.encode(events, source, micros);
        return new PreparedFrame(SpoolFile.encodeFrame(payload), events.size());
    }

    List<T> decode(BodyFormat format, byte[] body) {
        if (format != BodyFormat.PROTOBUF) {
            requireUtf8Encoding(body);
        }
        int max = config.getMaxEventsPerRequest();
        List<T> events;
        try {
            switch (format) {
                case JSON:
                    events = codec.json().readJson(body, 0, body.length, max);
                    break;
                case NDJSON:
                    events = codec.json().readNdjson(body, 0, body.length, max);
                    break;
                case PROTOBUF:
                    EventTableCodec.ParsedBatch<T> batch = codec.protobuf().parse(body);
                    events = batch.events();
                    if (events.size() > max) {
                        throw new TooManyEventsException(max);
                    }
                    if (!batch.unknownFields().isEmpty()) {
                        int number = batch.unknownFields().iterator().next();
                        throw IngestException.invalid("body has unknown field number " + number + " outside the events of " + batchName());
                    }
                    rejectUnknownFields(events);
                    break;
                default:
                    throw new IllegalStateException("unknown format " + format);
            }
        } catch (TooManyEventsException e) {
            throw IngestException.tooLarge(e.getMessage());
        } catch (EventDecodeException e) {
            List<IngestException.Detail> details = e.index() < 0 ? List.of()
                    : List.of(new IngestException.Detail(e.index(), e.field(), e.getMessage()));
            throw IngestException.invalid(e.index() < 0 ? e.getMessage() : "event " + e.index() + " cannot be decoded: " + e.getMessage(), details);
        } catch (IOException e) {
            // protobuf's InvalidProtocolBufferException or WireLengths on the body in memory: no real I/O
            throw IngestException.invalid("body is not a valid protobuf " + batchName() + ": " + e.getMessage());
        }
        if (events.isEmpty()) {
            throw IngestException.invalid("request contains no events");
        }
        return events;
    }

    /**
     * JSON is UTF-8 (RFC 8259 §8.1) and a Content-Type may say so or nothing: a body in
     * UTF-16 or UTF-32 is in an encoding Gravix does not take (415), not a broken one.
     * A UTF-8 byte-order mark is tolerated (RFC 8259 allows ignoring it) and not stored.
     */
    private static void requireUtf8Encoding(byte[] body) {
        String other = TextEncodings.nonUtf8Encoding(body, 0, body.length);
        if (other != null) {
            throw IngestException.unsupported("body is " + other + ": JSON and NDJSON bodies must be UTF-8; re-encode them as UTF-8");
        }
    }

    private String batchName() {
        return codec.table() == io.gravix.spool.Table.REQUEST_FACTS ? "gravix.v1.RequestFactBatch" : "gravix.v1.ServiceEventBatch";
    }

    /** Unknown fields are refused in protobuf as in JSON: silently dropping a newer client's data is worse. */
    private void rejectUnknownFields(List<T> events) {
        for (int i = 0; i < events.size(); i++) {
            T event = events.get(i);
            if (!event.getUnknownFields().asMap().isEmpty()) {
                int number = event.getUnknownFields().asMap().keySet().iterator().next();
                throw IngestException.invalid("event " + i + " has an unknown field",
                        List.of(new IngestException.Detail(i, "#" + number, "unknown field number " + number)));
            }
            // The timestamp is the events' only nested message; its unknown fields would be stored silently.
            com.google.protobuf.Timestamp ts = codec.timestampOf(event);
            if (ts != null && !ts.getUnknownFields().asMap().isEmpty()) {
                int number = ts.getUnknownFields().asMap().keySet().iterator().next();
                throw IngestException.invalid("event " + i + " has an unknown field in timestamp",
                        List.of(new IngestException.Detail(i, "timestamp.#" + number, "unknown field number " + number + " in timestamp")));
            }
        }
    }

    void validate(List<T> events) {
        List<Violation> violations = new ArrayList<>(0);
        List<IngestException.Detail> details = null;
        long now = window.nowMillis();
        int limit = config.getMaxErrorDetails();
        int invalidEvents = 0;
        for (int i = 0; i < events.size(); i++) {
            T event = events.get(i);
            codec.validator().validate(event, violations);
            com.google.protobuf.Timestamp ts = codec.timestampOf(event);
            String tsProblem = ts == null ? null : window.check(ts, now); // a missing one is a violation already
            if (violations.isEmpty() && tsProblem == null) {
                continue;
            }
            invalidEvents++;
            if (details == null) {
                details = new ArrayList<>();
            }
            for (Violation v : violations) {
                if (details.size() < limit) {
                    details.add(new IngestException.Detail(i, v.field(), v.message()));
                }
            }
            if (tsProblem != null && details.size() < limit) {
                details.add(new IngestException.Detail(i, "timestamp", tsProblem));
            }
            violations.clear();
        }
        if (details != null) {
            IngestException.Detail first = details.get(0);
            throw IngestException.invalid(invalidEvents + " of " + events.size() + " events are invalid; first: event "
                    + first.index() + " field " + first.field() + ": " + first.message(), details);
        }
    }
}

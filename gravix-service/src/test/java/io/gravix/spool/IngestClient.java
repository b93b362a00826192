package io.gravix.spool;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Message;
import io.gravix.api.json.EventJsonWriter;
import io.gravix.api.v1.RequestFact;
import io.gravix.api.v1.RequestFactBatch;
import io.gravix.api.v1.ServiceEvent;
import io.gravix.api.v1.ServiceEventBatch;
import io.gravix.testing.TestEvents;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * A client of the ingestion API for crash tests: builds requests of random
 * valid events (kept as protobuf messages, the expected spool contents) and
 * sends them in any of the body forms of DESIGN.md §4.
 *
 * <p>Requests are never retried, by this class or by {@link HttpClient} (it
 * does not retry POSTs), so each sent request can appear in the spool at most
 * once.
 */
final class IngestClient {

    /** How a request's events are put in its body. */
    enum BodyForm {
        /** One JSON object; only for a single event. */
        JSON_OBJECT("application/json"),
        JSON_ARRAY("application/json"),
        NDJSON("application/x-ndjson"),
        PROTOBUF("application/x-protobuf");

        final String contentType;

        BodyForm(String contentType) {
            this.contentType = contentType;
        }
    }

    /**
     * One request as sent: its table, body form and events in order. Identified
     * by its first event id (event ids are unique across a test).
     */
    record SentRequest(Table table, BodyForm form, List<? extends Message> events) {
        SentRequest {
            requireNonNull(table, "table is null");
            requireNonNull(form, "form is null");
            events = List.copyOf(events);
            if (events.isEmpty() || (form == BodyForm.JSON_OBJECT && events.size() != 1)) {
                throw new IllegalArgumentException(form + " request with " + events.size() + " events");
            }
        }

        String key() {
            return eventId(events.get(0));
        }

        @Override
        public String toString() {
            return table + "/" + form + "/" + events.size() + " events from " + key();
        }
    }

    static final int MAX_EVENTS_PER_REQUEST = 50;
    private static final BodyForm[] BATCH_FORMS = {BodyForm.JSON_ARRAY, BodyForm.NDJSON, BodyForm.PROTOBUF};
    private static final ServiceEvent.Kind[] KINDS = {ServiceEvent.Kind.DEPLOY, ServiceEvent.Kind.ROLLBACK,
            ServiceEvent.Kind.CONFIG_CHANGE, ServiceEvent.Kind.SCALE, ServiceEvent.Kind.INCIDENT_OPENED,
            ServiceEvent.Kind.INCIDENT_RESOLVED, ServiceEvent.Kind.ALERT, ServiceEvent.Kind.CUSTOM};

    private final HttpClient http;
    private final URI base;

    IngestClient(URI base) {
        this.base = requireNonNull(base, "base is null");
        // HTTP/1.1: one request per connection at a time, like most analytics clients.
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    static String eventId(Message event) {
        if (event instanceof RequestFact) {
            return ((RequestFact) event).getEventId();
        }
        return ((ServiceEvent) event).getEventId();
    }

    /** A request to a random table, in a random body form, of 1 to 50 events with ids {@code <idPrefix>-<i>}. */
    static SentRequest randomRequest(Random random, String idPrefix) {
        Table table = random.nextBoolean() ? Table.REQUEST_FACTS : Table.SERVICE_EVENTS;
        int count = 1 + random.nextInt(MAX_EVENTS_PER_REQUEST);
        BodyForm form = count == 1 && random.nextInt(4) == 0 ? BodyForm.JSON_OBJECT : BATCH_FORMS[random.nextInt(BATCH_FORMS.length)];
        List<Message> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String id = idPrefix + "-" + i;
            events.add(table == Table.REQUEST_FACTS ? randomRequestFact(random, id) : randomServiceEvent(random, id));
        }
        return new SentRequest(table, form, events);
    }

    /** A valid request fact whose fields (and so its size) vary, including uint64 values above Long.MAX_VALUE. */
    static RequestFact randomRequestFact(Random random, String eventId) {
        RequestFact.Builder fact = TestEvents.requestFact(eventId).toBuilder()
                .setRoute("/v1/items/{id}/" + random.nextInt(1000))
                .setMethod(random.nextBoolean() ? "GET" : "POST")
                .setStatusCode(100 + random.nextInt(500))
                .setDurationMs(random.nextInt(14_400_000) / 4.0)
                .setRequestBytes(random.nextLong())
                .setResponseBytes(random.nextInt(100_000));
        for (int i = random.nextInt(8); i > 0; i--) {
            fact.putAttributes("k" + i, letters(random, random.nextInt(200)));
        }
        return fact.build();
    }

    /** A valid service event with a message of 0 to 3000 characters, so frames range from bytes to kilobytes. */
    static ServiceEvent randomServiceEvent(Random random, String eventId) {
        return TestEvents.serviceEvent(eventId).toBuilder()
                .setKind(KINDS[random.nextInt(KINDS.length)])
                .setMessage(letters(random, random.nextInt(3000)))
                .putAttributes("shard", Integer.toString(random.nextInt(64)))
                .build();
    }

    private static String letters(Random random, int length) {
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append((char) ('a' + random.nextInt(26)));
        }
        return s.toString();
    }

    @SuppressWarnings("unchecked")
    static byte[] body(SentRequest request) {
        if (request.table() == Table.REQUEST_FACTS) {
            List<RequestFact> facts = (List<RequestFact>) request.events();
            switch (request.form()) {
                case JSON_OBJECT: return EventJsonWriter.requestFact(facts.get(0));
                case JSON_ARRAY: return EventJsonWriter.requestFactsArray(facts);
                case NDJSON: return EventJsonWriter.requestFactsNdjson(facts);
                default: return RequestFactBatch.newBuilder().addAllFacts(facts).build().toByteArray();
            }
        }
        List<ServiceEvent> events = (List<ServiceEvent>) request.events();
        switch (request.form()) {
            case JSON_OBJECT: return EventJsonWriter.serviceEvent(events.get(0));
            case JSON_ARRAY: return EventJsonWriter.serviceEventsArray(events);
            case NDJSON: return EventJsonWriter.serviceEventsNdjson(events);
            default: return ServiceEventBatch.newBuilder().addAllEvents(events).build().toByteArray();
        }
    }

    private HttpRequest httpRequest(SentRequest request) {
        String path = request.table() == Table.REQUEST_FACTS ? "/v1/request-facts" : "/v1/service-events";
        return HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + GravixProcess.API_KEY)
                .header("Content-Type", request.form().contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body(request)))
                .build();
    }

    CompletableFuture<HttpResponse<String>> sendAsync(SentRequest request) {
        return http.sendAsync(httpRequest(request), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> send(SentRequest request) throws java.io.IOException, InterruptedException {
        return http.send(httpRequest(request), HttpResponse.BodyHandlers.ofString());
    }

    /** Whether a response is the 202 of DESIGN.md §4 for all of {@code request}'s events. */
    static boolean isAcknowledgement(int status, String body, SentRequest request) {
        return status == 202 && body != null
                && body.replace(" ", "").equals("{\"accepted\":" + request.events().size() + "}");
    }
}

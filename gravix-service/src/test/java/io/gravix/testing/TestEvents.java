package io.gravix.testing;

import com.google.protobuf.Timestamp;
import io.gravix.api.v1.RequestFact;
import io.gravix.api.v1.ServiceEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Valid events for tests, timestamped "now" so they pass the accepted time window. */
public final class TestEvents {
    private TestEvents() {}

    public static Timestamp now() {
        Instant now = Instant.now();
        return Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano() / 1000 * 1000).build();
    }

    public static RequestFact requestFact(String eventId) {
        return RequestFact.newBuilder()
                .setEventId(eventId)
                .setTimestamp(now())
                .setService("checkout")
                .setEnvironment("staging")
                .setRoute("/v1/orders/{id}")
                .setMethod("POST")
                .setStatusCode(201)
                .setDurationMs(12.75)
                .setRequestBytes(512)
                .setResponseBytes(2048)
                .setClientId("client-42")
                .setTraceId("4bf92f3577b34da6a3ce929d0e0e4736")
                .putAttributes("region", "eu-west-1")
                .putAttributes("plan", "pro")
                .build();
    }

    public static List<RequestFact> requestFacts(String prefix, int count) {
        List<RequestFact> facts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            facts.add(requestFact(prefix + "-" + i));
        }
        return facts;
    }

    public static ServiceEvent serviceEvent(String eventId) {
        return ServiceEvent.newBuilder()
                .setEventId(eventId)
                .setTimestamp(now())
                .setService("checkout")
                .setEnvironment("production")
                .setKind(ServiceEvent.Kind.DEPLOY)
                .setVersion("v1.2.3")
                .setActor("ci-bot")
                .setMessage("deployed v1.2.3")
                .putAttributes("git.sha", "abc123")
                .build();
    }

    public static List<ServiceEvent> serviceEvents(String prefix, int count) {
        List<ServiceEvent> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            events.add(serviceEvent(prefix + "-" + i));
        }
        return events;
    }
}

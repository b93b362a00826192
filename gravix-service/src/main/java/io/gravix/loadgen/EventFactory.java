package io.gravix.loadgen;

import com.google.protobuf.Timestamp;
import io.gravix.api.v1.RequestFact;
import io.gravix.api.v1.ServiceEvent;
import java.time.Clock;
import java.util.SplittableRandom;

/**
 * Makes realistic, valid events with unique ids ({@code <run id>-<sequence>}):
 * a few services, templated routes, a skewed status mix and log-normal-ish
 * durations, so payload sizes and Parquet dictionaries look like real traffic.
 * Deterministic for a given seed, apart from the timestamps.
 */
public final class EventFactory {
    private static final String[] SERVICES = {"checkout", "payments", "search", "accounts", "catalog", "gateway"};
    private static final String[] ENVIRONMENTS = {"production", "production", "production", "staging"};
    private static final String[] ROUTES = {"/v1/orders/{id}", "/v1/orders", "/v1/users/{id}", "/v1/search", "/v1/cart/items",
        "/v1/payments/{id}/capture", "/healthz", "/v2/products/{sku}"};
    private static final String[] METHODS = {"GET", "GET", "GET", "POST", "PUT", "DELETE", "PATCH"};
    private static final String[] REGIONS = {"eu-west-1", "us-east-1", "ap-south-1"};
    private static final ServiceEvent.Kind[] KINDS = {ServiceEvent.Kind.DEPLOY, ServiceEvent.Kind.ROLLBACK,
        ServiceEvent.Kind.CONFIG_CHANGE, ServiceEvent.Kind.SCALE, ServiceEvent.Kind.ALERT};

    private final String runId;
    private final Clock clock;
    private final SplittableRandom random;

    public EventFactory(String runId, Clock clock, long seed) {
        this.runId = runId;
        this.clock = clock;
        this.random = new SplittableRandom(seed);
    }

    public String eventId(long sequence) {
        return runId + "-" + sequence;
    }

    private Timestamp now() {
        long millis = clock.millis();
        return Timestamp.newBuilder().setSeconds(Math.floorDiv(millis, 1000)).setNanos((int) Math.floorMod(millis, 1000) * 1_000_000).build();
    }

    public RequestFact requestFact(long sequence) {
        int status = random.nextInt(100) < 92 ? 200 : random.nextInt(100) < 70 ? 404 : 503;
        RequestFact.Builder b = RequestFact.newBuilder()
                .setEventId(eventId(sequence))
                .setTimestamp(now())
                .setService(SERVICES[random.nextInt(SERVICES.length)])
                .setEnvironment(ENVIRONMENTS[random.nextInt(ENVIRONMENTS.length)])
                .setRoute(ROUTES[random.nextInt(ROUTES.length)])
                .setMethod(METHODS[random.nextInt(METHODS.length)])
                .setStatusCode(status)
                .setDurationMs(Math.round(Math.exp(random.nextDouble() * 6) * 100) / 100.0)
                .setRequestBytes(random.nextInt(4096))
                .setResponseBytes(random.nextInt(65536))
                .setClientId("client-" + random.nextInt(500))
                .putAttributes("region", REGIONS[random.nextInt(REGIONS.length)]);
        if (random.nextInt(4) == 0) {
            b.setTraceId(String.format("%016x%016x", random.nextLong(), random.nextLong()));
        }
        return b.build();
    }

    public ServiceEvent serviceEvent(long sequence) {
        return ServiceEvent.newBuilder()
                .setEventId(eventId(sequence))
                .setTimestamp(now())
                .setService(SERVICES[random.nextInt(SERVICES.length)])
                .setKind(KINDS[random.nextInt(KINDS.length)])
                .setVersion("v1." + random.nextInt(40) + "." + random.nextInt(10))
                .setActor("deploy-bot")
                .setMessage("automated change " + sequence)
                .putAttributes("region", REGIONS[random.nextInt(REGIONS.length)])
                .build();
    }
}

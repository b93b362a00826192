package io.gravix.bench;

import com.google.protobuf.Timestamp;
import io.gravix.api.spool.v1.RequestFactRecord;
import io.gravix.api.spool.v1.ServiceEventRecord;
import io.gravix.api.v1.RequestFact;
import io.gravix.api.v1.ServiceEvent;
import io.gravix.dlq.DeadLetterQueue;
import io.gravix.index.BatchIndex;
import io.gravix.rollup.CrashPoints;
import io.gravix.rollup.RollupConfig;
import io.gravix.rollup.RollupService;
import io.gravix.rollup.RunSummary;
import io.gravix.spool.Spool;
import io.gravix.spool.SpoolConfig;
import io.gravix.spool.SpoolFile;
import io.gravix.spool.Table;
import io.gravix.store.LocalObjectStore;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A day of realistic traffic through the real rollup path, for the query benchmark
 * (bench/query-bench.sh): request facts over the 24 hours of one UTC day with a diurnal
 * curve, seven services with their own routes, latencies and error rates, 4xx and 1–3 % 5xx,
 * Zipf-distributed clients, bad deploys that raise a service's 5xx rate and latency until
 * their rollback, late events (a mobile SDK that delivers some events minutes to hours after
 * they happened), a few retried batches (duplicates the rollup drops), and a few hundred
 * service events (deploys, rollbacks, config changes, scaling, alerts, incidents).
 *
 * <p>Traffic is appended to a real {@link Spool} second by second of event time, in batches
 * as collectors would send them (one per source per second or two, {@code ingested_at} just
 * after); after every {@code chunkMinutes} of event time the spool is sealed and
 * {@link RollupService#rollupNow()} writes it into a {@link LocalObjectStore} at
 * {@code <dir>/lake} (runs of at most 64 MiB of spool, as in production). So the lake has
 * the files a Gravix with {@code rollup.interval = chunkMinutes} would write: about one file
 * per run per hour, plus small files for the late events each later run carries.
 * Deterministic for a given seed.
 *
 * <p>{@code java -Xmx3g -cp bench/target/benchmarks.jar io.gravix.bench.QueryDataset <dir> [events] [day] [chunkMinutes]}
 * writes {@code <dir>/lake/{request_facts,service_events}/dt=…/hour=…/*.parquet} and
 * {@code <dir>/dataset.properties}; the spool and index are deleted afterwards.
 */
public final class QueryDataset {
    private static final long MICROS_PER_SECOND = 1_000_000L;
    private static final long DAY_SECONDS = 86_400L;
    private static final String[] REGIONS = {"eu-west-1", "eu-west-1", "us-east-1", "us-east-1", "us-east-1", "ap-south-1"};
    private static final String[] AZS = {"a", "b", "c"};
    private static final int CLIENTS = 2_000;

    /** A route of a service: its method, median latency and typical body sizes. */
    private record Route(String path, String method, double medianMs, int requestBytes, int responseBytes) {}

    /** A service: share of the traffic, base 5xx and 4xx rates, routes (picked uniformly). */
    private record Service(String name, double share, double rate5xx, double rate4xx, Route[] routes) {}

    // Distinct route medians keep "p99 by route" rankings well apart (approximate percentiles
    // of two engines then agree on the order).
    private static final Service[] SERVICES = {
        new Service("gateway", 0.28, 0.004, 0.020, new Route[] {
            new Route("/healthz", "GET", 0.6, 0, 40), new Route("/v1/session", "GET", 4.1, 0, 600),
            new Route("/v1/config", "GET", 2.2, 0, 3_000)}),
        new Service("search", 0.20, 0.012, 0.030, new Route[] {
            new Route("/v1/search", "GET", 48, 0, 24_000), new Route("/v1/search/suggest", "GET", 11, 0, 1_800),
            new Route("/v1/search/facets", "GET", 71, 0, 6_000)}),
        new Service("catalog", 0.16, 0.008, 0.050, new Route[] {
            new Route("/v2/products/{sku}", "GET", 14, 0, 9_000), new Route("/v2/products", "GET", 33, 0, 40_000),
            new Route("/v2/products/{sku}/reviews", "GET", 26, 0, 15_000), new Route("/v2/products/{sku}", "PUT", 58, 3_000, 900)}),
        new Service("checkout", 0.12, 0.018, 0.040, new Route[] {
            new Route("/v1/cart/items", "POST", 38, 700, 1_200), new Route("/v1/cart", "GET", 17, 0, 2_500),
            new Route("/v1/orders", "POST", 160, 2_400, 1_500), new Route("/v1/orders/{id}", "GET", 21, 0, 3_200),
            new Route("/v1/cart/items/{id}", "DELETE", 19, 0, 200)}),
        new Service("accounts", 0.11, 0.006, 0.070, new Route[] {
            new Route("/v1/users/{id}", "GET", 9, 0, 1_400), new Route("/v1/login", "POST", 95, 500, 800),
            new Route("/v1/users/{id}", "PATCH", 44, 900, 1_400), new Route("/v1/token/refresh", "POST", 6.5, 300, 700)}),
        new Service("payments", 0.08, 0.022, 0.030, new Route[] {
            new Route("/v1/payments", "POST", 240, 1_800, 900), new Route("/v1/payments/{id}/capture", "POST", 330, 400, 700),
            new Route("/v1/payments/{id}", "GET", 28, 0, 1_100)}),
        new Service("inventory", 0.05, 0.010, 0.020, new Route[] {
            new Route("/v1/stock/{sku}", "GET", 7.5, 0, 300), new Route("/v1/reservations", "POST", 64, 600, 400)}),
    };

    /** A window in which a service's production traffic is worse (a bad deploy until its rollback). */
    private record Incident(int service, long fromMicros, long toMicros) {}

    /** A delayed request fact and when its client finally delivers it. */
    private record Late(long deliverMicros, RequestFact fact) {}

    private final SplittableRandom random;
    private final long dayStartMicros;
    private final List<Incident> incidents = new ArrayList<>();
    private final List<ServiceEvent> serviceEvents = new ArrayList<>();
    private final String[] clients = new String[CLIENTS];
    private final double[] serviceCdf = new double[SERVICES.length];

    private QueryDataset(LocalDate day, long seed) {
        this.random = new SplittableRandom(seed);
        this.dayStartMicros = day.atStartOfDay(ZoneOffset.UTC).toEpochSecond() * MICROS_PER_SECOND;
        for (int i = 0; i < CLIENTS; i++) {
            clients[i] = String.format("client-%04d", i);
        }
        double sum = 0;
        for (int i = 0; i < SERVICES.length; i++) {
            sum += SERVICES[i].share;
            serviceCdf[i] = sum;
        }
        planServiceEvents();
    }

    /** Relative traffic at second {@code s} of the day: lowest in the 03:00 hour, highest around 13:00–14:00 UTC (about 9:1 per hour). */
    private static double load(long s) {
        double h = s / 3600.0;
        return 1.0 + 0.75 * Math.cos(2 * Math.PI * (h - 15) / 24) + 0.1 * Math.cos(4 * Math.PI * (h - 11) / 24);
    }

    private long at(double hour) {
        return dayStartMicros + (long) (hour * 3600 * MICROS_PER_SECOND) + random.nextLong(MICROS_PER_SECOND);
    }

    private void event(long tsMicros, int service, String environment, ServiceEvent.Kind kind, String version,
                       String actor, String message) {
        ServiceEvent.Builder b = ServiceEvent.newBuilder()
                .setEventId("se-" + uuid())
                .setTimestamp(timestamp(tsMicros))
                .setService(SERVICES[service].name)
                .setEnvironment(environment)
                .setKind(kind)
                .setVersion(version)
                .setActor(actor)
                .setMessage(message)
                .putAttributes("region", REGIONS[random.nextInt(REGIONS.length)]);
        serviceEvents.add(b.build());
    }

    /** Deploys (production in working hours, staging all day), bad deploys with alert and rollback, config, scaling. */
    private void planServiceEvents() {
        for (int s = 0; s < SERVICES.length; s++) {
            int minor = 10 + random.nextInt(30);
            int deploys = 6 + random.nextInt(5);
            for (int d = 0; d < deploys; d++) {
                long ts = at(7 + random.nextDouble() * 12);
                String version = "v2." + minor + "." + d;
                event(ts, s, "production", ServiceEvent.Kind.DEPLOY, version, "ci-pipeline", "deploy " + version + " to production");
                if (random.nextInt(100) < 18) { // a bad deploy: errors and latency up until it is rolled back
                    long alert = ts + (3 + random.nextInt(6)) * 60 * MICROS_PER_SECOND;
                    long rollback = alert + (6 + random.nextInt(20)) * 60 * MICROS_PER_SECOND;
                    incidents.add(new Incident(s, ts, rollback));
                    event(alert, s, "production", ServiceEvent.Kind.ALERT, version, "alertmanager", "5xx rate above 5% for 3m");
                    event(alert + 40 * MICROS_PER_SECOND, s, "production", ServiceEvent.Kind.INCIDENT_OPENED, version, "oncall",
                            "elevated errors after " + version);
                    event(rollback, s, "production", ServiceEvent.Kind.ROLLBACK, "v2." + minor + "." + (d - 1), "oncall",
                            "roll back " + version);
                    event(rollback + 5 * 60 * MICROS_PER_SECOND, s, "production", ServiceEvent.Kind.INCIDENT_RESOLVED, version,
                            "oncall", "resolved by rollback");
                }
            }
            int staging = 6 + random.nextInt(8);
            for (int d = 0; d < staging; d++) {
                String version = "v2." + (minor + 1) + ".0-rc" + d;
                event(at(random.nextDouble() * 24), s, "staging", ServiceEvent.Kind.DEPLOY, version, "ci-pipeline",
                        "deploy " + version + " to staging");
            }
            for (int h = 0; h < 24; h++) { // the autoscaler follows the diurnal curve
                if (random.nextInt(2) == 0) {
                    int replicas = (int) Math.round(3 + 9 * load(h * 3600L) / 1.85);
                    event(at(h + random.nextDouble()), s, "production", ServiceEvent.Kind.SCALE, "", "autoscaler",
                            "scale to " + replicas + " replicas");
                }
            }
            for (int c = 0; c < 3 + random.nextInt(5); c++) {
                event(at(random.nextDouble() * 24), s, random.nextInt(3) == 0 ? "staging" : "production",
                        ServiceEvent.Kind.CONFIG_CHANGE, "", "config-service", "feature flag update");
            }
        }
        serviceEvents.sort(Comparator.comparingLong(e -> micros(e.getTimestamp())));
    }

    private static Timestamp timestamp(long micros) {
        return Timestamp.newBuilder().setSeconds(Math.floorDiv(micros, MICROS_PER_SECOND))
                .setNanos((int) Math.floorMod(micros, MICROS_PER_SECOND) * 1000).build();
    }

    private static long micros(Timestamp t) {
        return t.getSeconds() * MICROS_PER_SECOND + t.getNanos() / 1000;
    }

    private String uuid() {
        long a = random.nextLong();
        long b = random.nextLong();
        return new java.util.UUID((a & ~0xF000L) | 0x4000L, (b & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L).toString();
    }

    private boolean degraded(int service, long tsMicros) {
        for (Incident i : incidents) {
            if (i.service == service && tsMicros >= i.fromMicros && tsMicros < i.toMicros) {
                return true;
            }
        }
        return false;
    }

    private static final int[] STATUS_5XX = {500, 500, 502, 503, 503, 503, 504};
    private static final int[] STATUS_4XX = {400, 401, 403, 404, 404, 404, 404, 409, 422, 429};

    private RequestFact requestFact(long tsMicros, boolean mobile) {
        int s = 0;
        double u = random.nextDouble();
        while (s < SERVICES.length - 1 && u >= serviceCdf[s] / serviceCdf[SERVICES.length - 1]) {
            s++;
        }
        Service service = SERVICES[s];
        Route route = service.routes[random.nextInt(service.routes.length)];
        boolean production = random.nextInt(10) != 0;
        boolean bad = production && degraded(s, tsMicros);
        double p5xx = service.rate5xx * (bad ? 9 : 1);
        double r = random.nextDouble();
        int status;
        if (r < p5xx) {
            status = STATUS_5XX[random.nextInt(STATUS_5XX.length)];
        } else if (r < p5xx + service.rate4xx) {
            status = STATUS_4XX[random.nextInt(STATUS_4XX.length)];
        } else {
            status = route.method.equals("POST") ? 201 : route.method.equals("DELETE") ? 204 : 200;
        }
        double duration = route.medianMs * Math.exp(0.6 * gaussian()) * (bad ? 1.7 : 1);
        if (status == 504) {
            duration = 30_000 + random.nextDouble() * 50;
        } else if (status >= 400) {
            duration *= 0.4;
        }
        duration = Math.min(3_600_000, Math.round(duration * 1000) / 1000.0);
        long responseBytes = status >= 400 ? 90 + random.nextInt(300)
                : Math.max(0, Math.round(route.responseBytes * Math.exp(0.5 * gaussian())));
        long requestBytes = route.requestBytes == 0 ? 0 : Math.round(route.requestBytes * Math.exp(0.4 * gaussian()));
        int client = (int) Math.pow(CLIENTS, random.nextDouble()) - 1; // Zipf-like: a few clients send most traffic
        RequestFact.Builder b = RequestFact.newBuilder()
                .setEventId(uuid())
                .setTimestamp(timestamp(tsMicros))
                .setService(service.name)
                .setEnvironment(production ? "production" : "staging")
                .setRoute(route.path)
                .setMethod(route.method)
                .setStatusCode(status)
                .setDurationMs(duration)
                .setRequestBytes(requestBytes)
                .setResponseBytes(responseBytes)
                .setClientId(clients[client])
                .putAttributes("region", REGIONS[random.nextInt(REGIONS.length)])
                .putAttributes("az", AZS[random.nextInt(AZS.length)]);
        if (random.nextInt(5) == 0) {
            b.setTraceId(String.format("%016x%016x", random.nextLong(), random.nextLong()));
        }
        if (mobile) {
            b.putAttributes("app_version", "5." + (random.nextInt(4) + 1));
        }
        return b.build();
    }

    private double gaussian() { // Box-Muller: SplittableRandom has none
        return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    /** What went into the spool. */
    private static final class Tally {
        long facts;
        long late;
        long retried;
        long frames;
        long spoolBytes;
        long lakeEvents;
        long lakeDuplicates;
        int runs;
        int serviceEvents;
    }

    private final List<CompletableFuture<Void>> pending = new ArrayList<>();

    private void append(Spool spool, Table table, byte[] payload, int events, Tally tally) throws Exception {
        byte[] frame = SpoolFile.encodeFrame(payload);
        tally.frames++;
        tally.spoolBytes += frame.length;
        pending.add(spool.append(table, frame, events));
        if (pending.size() >= 256) {
            drain();
        }
    }

    private void drain() throws Exception {
        CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0])).get(5, TimeUnit.MINUTES);
        pending.clear();
    }

    private void facts(Spool spool, String source, List<RequestFact> facts, long ingestedAtMicros, Tally tally) throws Exception {
        if (facts.isEmpty()) {
            return;
        }
        byte[] payload = RequestFactRecord.newBuilder().setSource(source).setIngestedAtMicros(ingestedAtMicros)
                .addAllFacts(facts).build().toByteArray();
        append(spool, Table.REQUEST_FACTS, payload, facts.size(), tally);
        if (random.nextInt(1000) < 3) { // the client timed out waiting for the 202 and sent the batch again
            append(spool, Table.REQUEST_FACTS, payload, facts.size(), tally);
            tally.retried += facts.size();
        }
        facts.clear();
    }

    private void rollup(Spool spool, RollupService rollup, Tally tally) throws Exception {
        drain();
        spool.sealAll().get(5, TimeUnit.MINUTES);
        for (RunSummary run : rollup.rollupNow()) {
            if (run.table().equals(Table.REQUEST_FACTS.tableName())) {
                tally.lakeEvents += run.events();
                tally.lakeDuplicates += run.duplicates();
            }
            tally.runs++;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: QueryDataset <dir> [events=10000000] [day=yesterday, UTC] [chunkMinutes=60]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        long events = args.length > 1 ? Long.parseLong(args[1]) : 10_000_000L;
        LocalDate day = args.length > 2 ? LocalDate.parse(args[2]) : LocalDate.now(ZoneOffset.UTC).minusDays(1);
        int chunkMinutes = args.length > 3 ? Integer.parseInt(args[3]) : 60;
        if (Files.exists(dir.resolve("lake"))) {
            throw new IllegalStateException(dir.resolve("lake") + " exists: build a dataset into a new directory");
        }
        long started = System.nanoTime();
        Tally tally = new QueryDataset(day, 20261201L).build(dir, events, chunkMinutes);
        double seconds = (System.nanoTime() - started) / 1e9;
        long lakeBytes;
        try (Stream<Path> files = Files.walk(dir.resolve("lake/request_facts"))) {
            lakeBytes = files.filter(p -> p.toString().endsWith(".parquet")).mapToLong(p -> p.toFile().length()).sum();
        }
        if (tally.lakeEvents != tally.facts) {
            throw new IllegalStateException("the lake holds " + tally.lakeEvents + " request facts, " + tally.facts + " were sent");
        }
        try (Writer w = Files.newBufferedWriter(dir.resolve("dataset.properties"))) {
            w.write(String.join("\n",
                    "day=" + day,
                    "request_facts=" + tally.facts,
                    "service_events=" + tally.serviceEvents,
                    "late_request_facts=" + tally.late,
                    "retried_duplicates=" + tally.retried,
                    "duplicates_dropped=" + tally.lakeDuplicates,
                    "chunk_minutes=" + chunkMinutes,
                    "rollup_runs=" + tally.runs,
                    "spool_frames=" + tally.frames,
                    "spool_bytes=" + tally.spoolBytes,
                    "request_facts_parquet_bytes=" + lakeBytes,
                    "build_seconds=" + Math.round(seconds)) + "\n");
        }
        System.out.printf("dataset %s: %,d request facts (%,d late, %,d retried duplicates dropped: %,d) on %s, "
                        + "%d rollup runs, %,d spool bytes, %,d Parquet bytes (%.1f B/fact), built in %.0f s%n",
                dir, tally.facts, tally.late, tally.retried, tally.lakeDuplicates, day, tally.runs, tally.spoolBytes,
                lakeBytes, lakeBytes / (double) tally.facts, seconds);
    }

    private Tally build(Path dir, long events, int chunkMinutes) throws Exception {
        Tally tally = new Tally();
        Path work = dir.resolve("work");
        PrometheusRegistry registry = new PrometheusRegistry();
        double perUnitLoad = events / loadIntegral();
        try (BatchIndex index = BatchIndex.open(work.resolve("index.db"))) {
            Spool spool = new Spool(work.resolve("spool"), index, new SpoolConfig(), Clock.systemUTC(), registry);
            spool.start();
            RollupConfig config = new RollupConfig();
            config.setInterval(io.dropwizard.util.Duration.hours(24)); // only the explicit rollupNow() after each chunk
            LocalObjectStore store = new LocalObjectStore(dir.resolve("lake"));
            RollupService rollup = new RollupService(config, index, spool::tableDirectory, work.resolve("rollup-work"), store,
                    new DeadLetterQueue(work.resolve("dlq"), Clock.systemUTC()), Clock.systemUTC(), registry, CrashPoints.NONE);
            rollup.start();

            PriorityQueue<Late> late = new PriorityQueue<>(Comparator.comparingLong(Late::deliverMicros));
            List<RequestFact> edge = new ArrayList<>();
            List<RequestFact> mobile = new ArrayList<>();
            List<RequestFact> delivered = new ArrayList<>();
            int nextServiceEvent = 0;
            double carry = 0;
            long generated = 0;
            long startNanos = System.nanoTime();
            for (long s = 0; s < DAY_SECONDS; s++) {
                long secondStart = dayStartMicros + s * MICROS_PER_SECOND;
                carry += perUnitLoad * load(s);
                int n = (int) carry;
                if (s == DAY_SECONDS - 1) {
                    n = (int) (events - generated); // exactly the requested count
                }
                carry -= n;
                for (int i = 0; i < n; i++) {
                    long ts = secondStart + random.nextLong(MICROS_PER_SECOND);
                    boolean fromMobile = random.nextInt(100) < 15;
                    RequestFact fact = requestFact(ts, fromMobile);
                    if (fromMobile && random.nextInt(100) < 4) { // offline for a while: 5 min to hours late
                        late.add(new Late(ts + (long) (5 * 60e6 + 15 * 60e6 * Math.exp(1.1 * gaussian())), fact));
                        tally.late++;
                    } else if (fromMobile && random.nextInt(100) < 2) { // a slow network: under 5 minutes
                        late.add(new Late(ts + (long) (30e6 + random.nextDouble() * 200e6), fact));
                    } else {
                        (fromMobile ? mobile : edge).add(fact);
                    }
                }
                generated += n;
                long sent = secondStart + MICROS_PER_SECOND + 20_000 + random.nextLong(280_000);
                facts(spool, "edge-collector", edge, sent, tally); // collectors flush once a second
                if (s % 2 == 1) {
                    facts(spool, "mobile-sdk", mobile, sent, tally);
                }
                long now = secondStart + MICROS_PER_SECOND;
                while (!late.isEmpty() && late.peek().deliverMicros < now) {
                    delivered.add(late.poll().fact);
                }
                facts(spool, "mobile-sdk", delivered, now + random.nextLong(200_000), tally);
                while (nextServiceEvent < serviceEvents.size() && micros(serviceEvents.get(nextServiceEvent).getTimestamp()) < now) {
                    ServiceEvent e = serviceEvents.get(nextServiceEvent++);
                    append(spool, Table.SERVICE_EVENTS, ServiceEventRecord.newBuilder().setSource("deploy-events")
                            .setIngestedAtMicros(micros(e.getTimestamp()) + 400_000).addEvents(e).build().toByteArray(), 1, tally);
                }
                if ((s + 1) % (chunkMinutes * 60L) == 0 || s == DAY_SECONDS - 1) {
                    if (s == DAY_SECONDS - 1) { // the stragglers arrive after midnight
                        while (!late.isEmpty()) {
                            Late l = late.poll();
                            delivered.add(l.fact);
                            if (delivered.size() == 500) {
                                facts(spool, "mobile-sdk", delivered, l.deliverMicros, tally);
                            }
                            now = l.deliverMicros;
                        }
                        facts(spool, "mobile-sdk", delivered, now, tally);
                        facts(spool, "mobile-sdk", mobile, now, tally);
                    }
                    rollup(spool, rollup, tally);
                    System.out.printf("  %02d:%02d  %,d facts generated, %,d in the lake, %d runs, %.0f s%n",
                            (s + 1) / 3600, (s + 1) / 60 % 60, generated, tally.lakeEvents, tally.runs,
                            (System.nanoTime() - startNanos) / 1e9);
                }
            }
            tally.facts = generated;
            tally.serviceEvents = serviceEvents.size();
            rollup.stop();
            spool.stop();
        }
        deleteTree(work);
        System.out.printf("  service events: %d (%d deploys, %d rollbacks), %d bad deploys%n", serviceEvents.size(),
                serviceEvents.stream().filter(e -> e.getKind() == ServiceEvent.Kind.DEPLOY).count(),
                serviceEvents.stream().filter(e -> e.getKind() == ServiceEvent.Kind.ROLLBACK).count(), incidents.size());
        return tally;
    }

    private static double loadIntegral() {
        double sum = 0;
        for (long s = 0; s < DAY_SECONDS; s++) {
            sum += load(s);
        }
        return sum;
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}

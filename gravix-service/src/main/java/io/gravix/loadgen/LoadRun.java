package io.gravix.loadgen;

import com.google.protobuf.Message;
import io.gravix.api.json.EventJsonWriter;
import io.gravix.api.v1.RequestFact;
import io.gravix.api.v1.RequestFactBatch;
import io.gravix.api.v1.ServiceEvent;
import io.gravix.api.v1.ServiceEventBatch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.GZIPOutputStream;

/**
 * Sends {@code events} distinct events in batches from {@code concurrency}
 * threads and reports throughput, the status mix and ack latency percentiles.
 * Every body is built before the clock starts, so the client spends its CPU
 * on sending only (it shares the machine with the server in benchmarks).
 */
public final class LoadRun {

    /** The figures of one run. */
    public record Report(long distinctEvents, long duplicateEvents, long eventsAccepted, long requests, Map<Integer, Long> statuses, double seconds,
                         double p50Millis, double p99Millis, double maxMillis, double fsyncs, double flushedEvents) {
        public double eventsPerSecond() {
            return eventsAccepted / seconds;
        }
    }

    private final LoadgenOptions options;
    private final HttpClient client;
    private final String runId;
    private final SentIds sentIds;
    private volatile Instant eventsFrom;

    public LoadRun(LoadgenOptions options) {
        this.options = options;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        this.runId = options.runTag() != null ? options.runTag() : "lg" + Long.toString(System.currentTimeMillis(), 36);
        this.sentIds = new SentIds(options.events());
    }

    /** The prefix of this run's event ids: {@code <run tag>-<n>}. */
    String runTag() {
        return runId;
    }

    /** Which events were sent and which acknowledged; complete once {@link #run()} returned. */
    SentIds sentIds() {
        return sentIds;
    }

    /** No event of the run has an older timestamp (set by {@link #run()}, before the bodies are made). */
    Instant eventsFrom() {
        return eventsFrom;
    }

    public Report run() throws Exception {
        long batches = (options.events() + options.batch() - 1) / options.batch();
        eventsFrom = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        byte[][] bodies = prepareBodies(batches);
        int[] plan = SendPlan.of(bodies.length, options.duplicateRatio(), 31);
        long duplicateEvents = 0;
        for (int i = bodies.length; i < plan.length; i++) {
            duplicateEvents += eventsIn(plan[i]);
        }
        AtomicLong nextBatch = new AtomicLong();
        AtomicLong accepted = new AtomicLong();
        Map<Integer, Long> statuses = new ConcurrentHashMap<>();
        List<Latencies> latencies = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        double fsyncsBefore = scrape("spool_flushes_total");
        double flushedBefore = scrape("spool_events_written_total");
        long start = System.nanoTime();
        for (int t = 0; t < options.concurrency(); t++) {
            Latencies mine = new Latencies();
            latencies.add(mine);
            Thread thread = new Thread(() -> work(bodies, plan, nextBatch, start, accepted, statuses, mine), "loadgen-" + t);
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long[] all = latencies.stream().flatMapToLong(Latencies::stream).sorted().toArray();
        double fsyncs = scrape("spool_flushes_total") - fsyncsBefore;
        double flushed = scrape("spool_events_written_total") - flushedBefore;
        return new Report(options.events(), duplicateEvents, accepted.get(), all.length, Map.copyOf(statuses), seconds, percentile(all, 0.50), percentile(all, 0.99),
                all.length == 0 ? 0 : all[all.length - 1] / 1e6, fsyncs, flushed);
    }

    private byte[][] prepareBodies(long batches) {
        if (batches > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("too many batches");
        }
        EventFactory factory = new EventFactory(runId, Clock.systemUTC(), 17);
        byte[][] bodies = new byte[(int) batches][];
        for (int b = 0; b < batches; b++) {
            long first = (long) b * options.batch();
            bodies[b] = body(factory, first, eventsIn(b));
        }
        return bodies;
    }

    private int eventsIn(long batch) {
        return (int) Math.min(options.batch(), options.events() - batch * options.batch());
    }

    private void work(byte[][] bodies, int[] plan, AtomicLong nextBatch, long start, AtomicLong accepted,
                      Map<Integer, Long> statuses, Latencies latencies) {
        URIs uris = new URIs(options);
        KeepAliveConnection connection = new KeepAliveConnection(uris.ingest, contentType(), options.apiKey(), options.gzip());
        for (long p; (p = nextBatch.getAndIncrement()) < plan.length; ) {
            int b = plan[(int) p];
            int count = eventsIn(b);
            byte[] body = bodies[b];
            if (options.rate() > 0) {
                long due = start + (long) (p * options.batch() / options.rate() * 1e9);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
            long sent = System.nanoTime();
            int status;
            try {
                status = connection.post(body);
            } catch (IOException e) {
                connection.close();
                status = -1;
            }
            long took = System.nanoTime() - sent;
            latencies.add(took);
            statuses.merge(status, 1L, Long::sum);
            if (status == 202) {
                accepted.addAndGet(count);
            }
            sentIds.record((long) b * options.batch(), count, status == 202 ? SentIds.Answer.ACKNOWLEDGED : SentIds.Answer.NOT_ACKNOWLEDGED);
        }
        connection.close();
    }

    /** One worker's ack latencies in nanoseconds; grows as needed. */
    private static final class Latencies {
        private long[] values = new long[1024];
        private int size;

        void add(long nanos) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = nanos;
        }

        java.util.stream.LongStream stream() {
            return Arrays.stream(values, 0, size);
        }
    }

    private record URIs(java.net.URI ingest) {
        URIs(LoadgenOptions o) {
            this(o.url().resolve("/v1/" + o.table()));
        }
    }

    private String contentType() {
        switch (options.format()) {
            case "ndjson":
                return "application/x-ndjson";
            case "protobuf":
                return "application/x-protobuf";
            default:
                return "application/json";
        }
    }

    private byte[] body(EventFactory factory, long first, int count) {
        byte[] raw;
        if (options.table().equals("request-facts")) {
            List<RequestFact> facts = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                facts.add(factory.requestFact(first + i));
            }
            raw = encode(facts, RequestFactBatch.newBuilder().addAllFacts(facts).build(),
                    EventJsonWriter::requestFactsArray, EventJsonWriter::requestFactsNdjson);
        } else {
            List<ServiceEvent> events = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                events.add(factory.serviceEvent(first + i));
            }
            raw = encode(events, ServiceEventBatch.newBuilder().addAllEvents(events).build(),
                    EventJsonWriter::serviceEventsArray, EventJsonWriter::serviceEventsNdjson);
        }
        return options.gzip() ? gzip(raw) : raw;
    }

    private <T> byte[] encode(List<T> events, Message batch, java.util.function.Function<List<T>, byte[]> array,
                              java.util.function.Function<List<T>, byte[]> ndjson) {
        switch (options.format()) {
            case "protobuf":
                return batch.toByteArray();
            case "ndjson":
                return ndjson.apply(events);
            default:
                return array.apply(events);
        }
    }

    private static byte[] gzip(byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 4 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Sum of all series of a counter in the server's /metrics, or NaN without an admin URL. */
    private double scrape(String metric) {
        if (options.adminUrl() == null) {
            return Double.NaN;
        }
        try {
            String text = client.send(HttpRequest.newBuilder(options.adminUrl().resolve("/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            double sum = 0;
            for (String line : text.split("\n")) {
                if (line.startsWith(metric + "{") || line.startsWith(metric + " ")) {
                    sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return sum;
        } catch (IOException | InterruptedException e) {
            return Double.NaN;
        }
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] / 1e6;
    }

    public static void print(LoadgenOptions o, Report r, PrintStream out) {
        out.printf("loadgen: %s %s batch=%d concurrency=%d%s%n", o.table(), o.format(), o.batch(), o.concurrency(),
                o.gzip() ? " gzip" : "");
        out.printf("  sent events     : %d distinct + %d duplicates (client retries)%n", r.distinctEvents(), r.duplicateEvents());
        out.printf("  accepted events : %d in %.2f s = %.0f events/s (%d requests, statuses %s)%n",
                r.eventsAccepted(), r.seconds(), r.eventsPerSecond(), r.requests(), r.statuses());
        out.printf("  ack latency ms  : p50 %.2f  p99 %.2f  max %.2f%n", r.p50Millis(), r.p99Millis(), r.maxMillis());
        if (!Double.isNaN(r.fsyncs())) {
            out.printf("  fsyncs          : %.0f = %.0f/s, %.1f events per fsync%n", r.fsyncs(), r.fsyncs() / r.seconds(),
                    r.fsyncs() == 0 ? 0 : r.flushedEvents() / r.fsyncs());
        }
    }
}

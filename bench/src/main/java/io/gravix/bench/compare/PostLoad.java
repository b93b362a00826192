package io.gravix.bench.compare;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.gravix.api.json.EventJsonWriter;
import io.gravix.api.v1.RequestFact;
import io.gravix.api.v1.RequestFactBatch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The load client of {@code bench/compare.sh}: the same client, the same events and the same
 * connections for Gravix, the no-op Dropwizard app and ClickHouse. Bodies are built from
 * {@link CompareDataset} before the clock starts; a timed run reuses them for new events by
 * rewriting the fixed-width id digits in a per-connection copy, so the client's work per
 * request is one array copy plus the socket write. Prints one line of {@code key=value}.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.gravix.bench.compare.PostLoad --url http://127.0.0.1:8080/v1/request-facts
 *     --format json|protobuf|jsoneachrow [--auth 'Bearer k'] [--batch 500] [--concurrency 8] [--events 200000]
 *     [--seconds 20] [--warmup 5] [--rate 0] [--metrics http://127.0.0.1:8081/metrics] [--seed 7] [--base ms]
 * </pre>
 * With {@code --seconds 0} each request of the dataset (and its 5 % resends) is sent once.
 */
public final class PostLoad {
    private static final DateTimeFormatter CLICKHOUSE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private record Template(byte[] body, int[] idOffsets) {}

    public static void main(String[] args) throws Exception {
        Map<String, String> a = parse(args);
        URI url = URI.create(a.getOrDefault("url", "http://127.0.0.1:8080/v1/request-facts"));
        String format = a.getOrDefault("format", "json");
        int batch = Integer.parseInt(a.getOrDefault("batch", "500"));
        int concurrency = Integer.parseInt(a.getOrDefault("concurrency", "8"));
        long events = Long.parseLong(a.getOrDefault("events", "200000"));
        double seconds = Double.parseDouble(a.getOrDefault("seconds", "20"));
        double warmup = Double.parseDouble(a.getOrDefault("warmup", "0"));
        double rate = Double.parseDouble(a.getOrDefault("rate", "0"));
        String metrics = a.get("metrics");
        long base = a.containsKey("base") ? Long.parseLong(a.get("base")) : CompareDataset.defaultBase();
        CompareDataset dataset = new CompareDataset(a.getOrDefault("tag", "cmp" + Long.toString(System.currentTimeMillis(), 36)),
                Long.parseLong(a.getOrDefault("seed", "7")), base, events);

        int templates = (int) Math.max(1, events / batch);
        Template[] bodies = new Template[templates];
        for (int t = 0; t < templates; t++) {
            bodies[t] = template(dataset, format, (long) t * batch, batch);
        }
        String contentType = switch (format) {
            case "protobuf" -> "application/x-protobuf";
            case "jsoneachrow" -> "text/plain";
            default -> "application/json";
        };
        String auth = a.get("auth");
        long fixedPositions = seconds > 0 ? Long.MAX_VALUE : CompareDataset.positions(templates);

        scrape(metrics); // the first use of an HttpClient takes seconds on a busy machine: not inside the window
        AtomicLong next = new AtomicLong();
        long t0 = System.nanoTime();
        long windowStart = t0 + (long) (warmup * 1e9);
        long windowEnd = seconds > 0 ? windowStart + (long) (seconds * 1e9) : Long.MAX_VALUE;
        List<Worker> workers = new ArrayList<>();
        for (int c = 0; c < concurrency; c++) {
            Worker w = new Worker(new HttpPost(url, contentType, auth), bodies, batch, next, fixedPositions, rate, t0, windowStart, windowEnd);
            workers.add(w);
            w.thread.start();
        }
        sleepUntil(windowStart);
        long cpuBefore = cpuNanos();
        double[] before = scrape(metrics);
        for (Worker w : workers) {
            w.thread.join();
        }
        long measuredEnd = seconds > 0 ? windowEnd : System.nanoTime();
        long cpuAfter = cpuNanos();
        double[] after = scrape(metrics);
        double wall = (measuredEnd - windowStart) / 1e9;

        long ok = 0;
        long requests = 0;
        Map<Integer, Long> statuses = new TreeMap<>();
        List<long[]> all = new ArrayList<>();
        for (Worker w : workers) {
            ok += w.okEvents;
            requests += w.latencyCount;
            w.statuses.forEach((k, v) -> statuses.merge(k, v, Long::sum));
            all.add(Arrays.copyOf(w.latencies, w.latencyCount));
        }
        long[] lat = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        StringBuilder out = new StringBuilder();
        out.append(String.format("events_per_s=%.0f requests=%d ok_events=%d seconds=%.2f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f",
                ok / wall, requests, ok, wall, pct(lat, 0.50), pct(lat, 0.99), lat.length == 0 ? 0 : lat[lat.length - 1] / 1e6));
        StringBuilder s = new StringBuilder();
        statuses.forEach((k, v) -> s.append(s.length() == 0 ? "" : ",").append(k).append(':').append(v));
        out.append(" statuses=").append(s.length() == 0 ? "none" : s);
        long errors = statuses.entrySet().stream().filter(e -> e.getKey() < 200 || e.getKey() > 299).mapToLong(Map.Entry::getValue).sum();
        out.append(" errors=").append(errors);
        if (before != null && after != null) {
            double fsyncs = after[0] - before[0];
            double written = after[1] - before[1];
            out.append(String.format(" fsyncs_per_s=%.0f events_per_fsync=%.1f", fsyncs / ((after[2] - before[2]) / 1e9), fsyncs == 0 ? 0 : written / fsyncs));
        }
        out.append(String.format(" client_cpu_share=%.2f", (cpuAfter - cpuBefore) / 1e9 / (wall * Runtime.getRuntime().availableProcessors())));
        System.out.println(out);
    }

    /** One connection and its thread; figures count only requests sent inside the measured window. */
    private static final class Worker {
        final Thread thread;
        long[] latencies = new long[4096];
        int latencyCount;
        long okEvents;
        final Map<Integer, Long> statuses = new HashMap<>();

        Worker(HttpPost http, Template[] bodies, int batch, AtomicLong next, long positions, double rate, long t0, long windowStart, long windowEnd) {
            this.thread = new Thread(() -> {
                byte[] buffer = new byte[0];
                try {
                    for (long p; (p = next.getAndIncrement()) < positions; ) {
                        if (rate > 0) {
                            long due = t0 + (long) (p * batch / rate * 1e9);
                            long wait = due - System.nanoTime();
                            if (wait > 0) {
                                LockSupport.parkNanos(wait);
                            }
                        }
                        long sent = System.nanoTime();
                        if (sent >= windowEnd) {
                            break;
                        }
                        long request = CompareDataset.sentOrder(p);
                        Template t = bodies[(int) (request % bodies.length)];
                        if (buffer.length != t.body.length) {
                            buffer = new byte[t.body.length];
                        }
                        System.arraycopy(t.body, 0, buffer, 0, buffer.length);
                        long first = request * batch;
                        for (int i = 0; i < t.idOffsets.length; i++) {
                            writeDigits(buffer, t.idOffsets[i], first + i);
                        }
                        int status;
                        try {
                            status = http.post(buffer);
                        } catch (IOException e) {
                            http.close();
                            status = -1;
                        }
                        long took = System.nanoTime() - sent;
                        if (sent >= windowStart) {
                            if (latencyCount == latencies.length) {
                                latencies = Arrays.copyOf(latencies, latencyCount * 2);
                            }
                            latencies[latencyCount++] = took;
                            statuses.merge(status, 1L, Long::sum);
                            if (status >= 200 && status < 300) {
                                okEvents += t.idOffsets.length;
                            }
                        }
                    }
                } finally {
                    http.close();
                }
            }, "post-load");
        }
    }

    private static void writeDigits(byte[] buf, int offset, long value) {
        for (int i = CompareDataset.ID_DIGITS - 1; i >= 0; i--) {
            buf[offset + i] = (byte) ('0' + value % 10);
            value /= 10;
        }
    }

    /** A request body for events {@code first..first+count-1} and where each event's id digits are. */
    private static Template template(CompareDataset dataset, String format, long first, int count) {
        RequestFact[] facts = dataset.facts(first, count);
        byte[] body = switch (format) {
            case "protobuf" -> RequestFactBatch.newBuilder().addAllFacts(Arrays.asList(facts)).build().toByteArray();
            case "jsoneachrow" -> jsonEachRow(facts);
            case "json" -> EventJsonWriter.requestFactsArray(Arrays.asList(facts));
            default -> throw new IllegalArgumentException("--format must be json, protobuf or jsoneachrow");
        };
        int[] offsets = new int[count];
        int from = 0;
        for (int i = 0; i < count; i++) {
            byte[] id = facts[i].getEventId().getBytes(StandardCharsets.US_ASCII);
            int at = indexOf(body, id, from);
            if (at < 0) {
                throw new IllegalStateException("event id not found in its body: " + facts[i].getEventId());
            }
            offsets[i] = at + id.length - CompareDataset.ID_DIGITS;
            from = at + id.length;
        }
        return new Template(body, offsets);
    }

    private static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = from; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static final JsonFactory JSON = new JsonFactory();

    /** The same facts as ClickHouse JSONEachRow rows of the table compare.sh creates. */
    static byte[] jsonEachRow(RequestFact[] facts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(facts.length * 320);
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.setRootValueSeparator(null);
            for (RequestFact f : facts) {
                g.writeStartObject();
                g.writeStringField("event_id", f.getEventId());
                g.writeStringField("ts", CLICKHOUSE_TIME.format(Instant.ofEpochSecond(f.getTimestamp().getSeconds())));
                g.writeNumberField("ts_nanos", f.getTimestamp().getNanos());
                g.writeStringField("service", f.getService());
                g.writeStringField("environment", f.getEnvironment());
                g.writeStringField("route", f.getRoute());
                g.writeStringField("method", f.getMethod());
                g.writeNumberField("status_code", f.getStatusCode());
                g.writeNumberField("duration_ms", f.getDurationMs());
                g.writeNumberField("request_bytes", f.getRequestBytes());
                g.writeNumberField("response_bytes", f.getResponseBytes());
                g.writeStringField("client_id", f.getClientId());
                g.writeStringField("trace_id", f.getTraceId());
                // ClickHouse 18.16 has no Map type: the attributes travel as one JSON string
                StringBuilder attrs = new StringBuilder("{");
                f.getAttributesMap().forEach((k, v) -> attrs.append(attrs.length() > 1 ? "," : "").append('"').append(k).append("\":\"").append(v).append('"'));
                g.writeStringField("attributes", attrs.append('}').toString());
                g.writeEndObject();
                g.writeRaw('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static final HttpClient METRICS_CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** [spool_flushes_total, spool_events_written_total, System.nanoTime() of the answer] from a Gravix /metrics, or null. */
    private static double[] scrape(String metricsUrl) throws InterruptedException {
        if (metricsUrl == null) {
            return null;
        }
        try {
            String text = METRICS_CLIENT.send(HttpRequest.newBuilder(URI.create(metricsUrl)).build(), HttpResponse.BodyHandlers.ofString()).body();
            return new double[] {sum(text, "spool_flushes_total"), sum(text, "spool_events_written_total"), System.nanoTime()};
        } catch (IOException e) {
            return null;
        }
    }

    private static double sum(String text, String metric) {
        double sum = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith(metric + "{") || line.startsWith(metric + " ")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        for (long left; (left = nanoTime - System.nanoTime()) > 0; ) {
            Thread.sleep(Math.max(1, left / 1_000_000));
        }
    }

    private static double pct(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] / 1e6;
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value, got " + args[i]);
            }
            m.put(args[i].substring(2), args[++i]);
        }
        return m;
    }
}

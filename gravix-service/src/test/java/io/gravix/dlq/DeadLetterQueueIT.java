package io.gravix.dlq;

import static io.gravix.testing.GravixTestApp.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.gravix.GravixConfiguration;
import io.gravix.api.json.EventJsonWriter;
import io.gravix.api.spool.v1.RequestFactRecord;
import io.gravix.api.v1.RequestFact;
import io.gravix.spool.SpoolFile;
import io.gravix.spool.SpoolFileScanner;
import io.gravix.spool.Table;
import io.gravix.testing.GravixHttp;
import io.gravix.testing.GravixTestApp;
import io.gravix.testing.LakeDuckDb;
import io.gravix.testing.SpoolContents;
import io.gravix.testing.TestEvents;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dead-letter queue over real HTTP on a running Gravix: a sealed spool file damaged on
 * disk goes to the queue at rollup while the good batches reach the lake; the four DLQ
 * tasks list, show, replay and purge entries; replaying twice puts the intact events in
 * the lake exactly once (read back with DuckDB); the tasks refuse requests without the
 * admin token (401), with a missing or unsafe {@code file=} (400) or naming no entry (404).
 */
class DeadLetterQueueIT {
    private static final Path DATA_DIR = GravixTestApp.newDataDir("DeadLetterQueueIT");
    /**
     * The scheduler rolls up one interval after a start and after each rollup (and past a
     * 256 MiB backlog): with an hour, only rollup-now runs the rollup, so a damaged file and
     * a replayed batch wait in the spool until the test asks.
     */
    private static final ConfigOverride QUIET_ROLLUP = ConfigOverride.config("rollup.interval", "1h");

    /** Requests (frames) of the batch that is damaged; frame DAMAGED_FRAME loses a byte. */
    private static final int DAMAGED_FRAME = 2;
    private static final List<List<RequestFact>> GOOD_REQUESTS = requests("good", 3, 2);
    private static final List<List<RequestFact>> DAMAGED_REQUESTS = requests("dmg", 5, 3);

    private static DropwizardTestSupport<GravixConfiguration> app;
    private static GravixHttp http;
    private static String damagedEntry;
    private static long damagedFrameOffset;
    private static JsonNode firstRollup;

    @BeforeAll
    static void startWithADamagedSealedFile() throws Exception {
        // Run 1: the good requests are sealed at once (seal-now); the others are sealed by the
        // shutdown, after the rollup has stopped, so that batch is still in the spool for run 2.
        DropwizardTestSupport<GravixConfiguration> first = GravixTestApp.support(DATA_DIR, QUIET_ROLLUP);
        first.before();
        try {
            GravixHttp h = new GravixHttp(first.getLocalPort(), first.getAdminPort());
            GOOD_REQUESTS.forEach(r -> ingest(h, r));
            h.sealNow();
            DAMAGED_REQUESTS.forEach(r -> ingest(h, r));
        } finally {
            first.after();
        }
        List<Path> sealed = SpoolContents.files(DATA_DIR, Table.REQUEST_FACTS, ".sealed");
        Path damaged = sealed.get(sealed.size() - 1);
        List<Long> offsets = new ArrayList<>();
        assertThat(SpoolFileScanner.scan(damaged, (offset, buf, at, length) -> offsets.add(offset)).frames())
                .isEqualTo(DAMAGED_REQUESTS.size());
        damagedFrameOffset = offsets.get(DAMAGED_FRAME);
        byte[] bytes = Files.readAllBytes(damaged);
        bytes[(int) damagedFrameOffset + SpoolFile.FRAME_OVERHEAD + 10] ^= 0x04;
        Files.write(damaged, bytes);
        damagedEntry = "request_facts-" + damaged.getFileName();

        app = GravixTestApp.support(DATA_DIR, QUIET_ROLLUP);
        app.before();
        http = new GravixHttp(app.getLocalPort(), app.getAdminPort());
        // Every test finds the damaged file in the queue, whatever order they run in.
        firstRollup = ok(task("rollup-now"));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.after();
        }
    }

    private static List<List<RequestFact>> requests(String prefix, int requests, int eventsEach) {
        return IntStream.range(0, requests).mapToObj(i -> TestEvents.requestFacts(prefix + i, eventsEach)).toList();
    }

    private static void ingest(GravixHttp h, List<RequestFact> facts) {
        GravixHttp.Answer a = h.ingest("/v1/request-facts", "application/json", EventJsonWriter.requestFactsArray(facts));
        assertThat(a.status()).as(a.body()).isEqualTo(202);
    }

    private static List<String> ids(List<List<RequestFact>> requests) {
        return requests.stream().flatMap(List::stream).map(RequestFact::getEventId).toList();
    }

    private static GravixHttp.Answer task(String name, String... parameters) {
        return http.postAdmin("/tasks/" + name + query(parameters), "Authorization", "Bearer " + ADMIN_TOKEN);
    }

    /** {@code ?name=value&…} from name, value pairs, values URL-encoded. */
    private static String query(String... parameters) {
        StringBuilder q = new StringBuilder();
        for (int i = 0; i < parameters.length; i += 2) {
            q.append(i == 0 ? '?' : '&').append(parameters[i]).append('=')
                    .append(URLEncoder.encode(parameters[i + 1], StandardCharsets.UTF_8));
        }
        return q.toString();
    }

    private static JsonNode ok(GravixHttp.Answer answer) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json();
    }

    private static List<String> lakeEventIds() throws Exception {
        return LakeDuckDb.requestFacts(DATA_DIR.resolve("lake")).stream().map(r -> (String) r.get("event_id")).toList();
    }

    private static List<String> sorted(List<String> ids) {
        return ids.stream().sorted().toList();
    }

    private static JsonNode entryIn(JsonNode list, String name) {
        for (JsonNode e : list.get("entries")) {
            if (e.get("name").asText().equals(name)) {
                return e;
            }
        }
        throw new AssertionError(name + " is not in " + list);
    }

    @Test
    void aDamagedSealedFileIsDeadLetteredAndItsIntactEventsReachTheLakeExactlyOnceThroughReplay() throws Exception {
        // The first rollup moved the damaged file to the queue and the good batch to the lake.
        assertThat(firstRollup.get("deadLettered")).extracting(JsonNode::asText).containsExactly(damagedEntry);
        assertThat(firstRollup.get("events").asInt()).isEqualTo(ids(GOOD_REQUESTS).size());
        JsonNode entry = entryIn(ok(task("dlq-list")), damagedEntry);
        assertThat(entry.get("table").asText()).isEqualTo("request_facts");
        assertThat(entry.get("reason").get("error").asText()).contains("checksum mismatch");
        assertThat(entry.get("reason").get("offset").asLong()).isEqualTo(damagedFrameOffset);
        assertThat(lakeEventIds()).containsExactlyElementsOf(sorted(ids(GOOD_REQUESTS)));

        List<List<RequestFact>> intact = new ArrayList<>(DAMAGED_REQUESTS);
        intact.remove(DAMAGED_FRAME);
        JsonNode show = ok(task("dlq-show", "file", damagedEntry));
        assertThat(show.get("header").get("table").asText()).isEqualTo("request_facts");
        assertThat(show.get("readableFrames").asInt()).isEqualTo(intact.size());
        assertThat(show.get("decodableFrames").asInt()).isEqualTo(intact.size());
        assertThat(show.get("events").asInt()).isEqualTo(ids(intact).size());
        assertThat(show.get("damage").get(0).get("offset").asLong()).isEqualTo(damagedFrameOffset);
        assertThat(show.get("frames").get(0).get("source").asText()).isEqualTo(GravixTestApp.API_KEY_NAME);
        assertThat(show.get("frames").get(0).get("events").get(1).get("eventId").asText()).isEqualTo("dmg0-1");

        // Replay: a new sealed batch in the spool whose frames are exactly the intact requests.
        JsonNode replay = ok(task("dlq-replay", "file", damagedEntry));
        assertThat(replay.get("replayed").asBoolean()).isTrue();
        assertThat(replay.get("frames").asInt()).isEqualTo(intact.size());
        assertThat(replay.get("skippedFrames").asInt()).isZero();
        long batchId = replay.get("batchId").asLong();
        assertThat(SpoolContents.files(DATA_DIR, Table.REQUEST_FACTS, ".sealed"))
                .extracting(p -> p.getFileName().toString()).containsExactly(SpoolFile.sealedName(batchId));
        assertThat(SpoolContents.requestFactRecords(DATA_DIR)).extracting(RequestFactRecord::getFactsList)
                .containsExactlyElementsOf(intact);

        JsonNode rollup = ok(task("rollup-now"));
        assertThat(rollup.get("events").asInt()).isEqualTo(ids(intact).size());
        List<String> expected = new ArrayList<>(ids(GOOD_REQUESTS));
        expected.addAll(ids(intact));
        assertThat(lakeEventIds()).containsExactlyElementsOf(sorted(expected));

        // Replaying again adds a batch, and the rollup drops all of it as duplicates.
        assertThat(ok(task("dlq-replay", "file", damagedEntry)).get("replayed").asBoolean()).isTrue();
        rollup = ok(task("rollup-now"));
        assertThat(rollup.get("events").asInt()).isZero();
        assertThat(rollup.get("duplicates").asInt()).isEqualTo(ids(intact).size());
        assertThat(lakeEventIds()).containsExactlyElementsOf(sorted(expected));
        assertThat(lakeEventIds()).doesNotContainAnyElementsOf(ids(List.of(DAMAGED_REQUESTS.get(DAMAGED_FRAME))));

        assertThat(entryIn(ok(task("dlq-list")), damagedEntry).get("reason").get("replays")).hasSize(2);
    }

    @Test
    void entriesAreListedShownAndPurged() throws Exception {
        // Real spool files written by a scratch spool, damaged, and moved into this Gravix's queue.
        String badHeader;
        String garbage;
        DeadLetterQueue queue = new DeadLetterQueue(DATA_DIR.resolve("dlq"), Clock.systemUTC());
        Path work = Files.createTempDirectory(DATA_DIR, "scratch-"); // same file system: quarantine renames
        try (DlqFixture fx = new DlqFixture(work)) {
            Path a = fx.sealedFile(Table.SERVICE_EVENTS, List.of(DlqFixture.serviceEvents("hdr", 2), DlqFixture.serviceEvents("hdr-b", 1)));
            DlqFixture.flipByte(a, 12);
            badHeader = queue.quarantine(Table.SERVICE_EVENTS, a, "bad header: header checksum mismatch", 0);
            Path b = fx.sealedFile(Table.SERVICE_EVENTS, List.of(DlqFixture.serviceEvents("g", 1), DlqFixture.GARBAGE));
            garbage = queue.quarantine(Table.SERVICE_EVENTS, b, "frame payload is not a service_events record", 0);
        }

        GravixHttp.Answer listed = task("dlq-list");
        assertThat(listed.header("Content-Type")).startsWith("application/json");
        JsonNode list = ok(listed);
        assertThat(entryIn(list, badHeader).get("table").asText()).isEqualTo("service_events");
        assertThat(entryIn(list, badHeader).get("reason").get("error").asText()).isEqualTo("bad header: header checksum mismatch");
        assertThat(entryIn(list, garbage).get("bytes").asLong()).isEqualTo(Files.size(DATA_DIR.resolve("dlq").resolve(garbage)));
        assertThat(dlqFilesGauge()).isEqualTo(list.get("count").asInt());

        JsonNode header = ok(task("dlq-show", "file", badHeader));
        assertThat(header.get("header").isNull()).isTrue();
        assertThat(header.get("headerError").get("problem").asText()).isEqualTo("header checksum mismatch");
        assertThat(header.get("readableFrames").asInt()).isEqualTo(2);
        assertThat(header.get("events").asInt()).isEqualTo(3);
        assertThat(header.get("frames").get(1).get("events").get(0).get("eventId").asText()).isEqualTo("hdr-b-0");
        assertThat(ok(task("dlq-show", "file", badHeader, "frames", "1")).get("frames")).hasSize(1);

        JsonNode junk = ok(task("dlq-show", "file", garbage));
        assertThat(junk.get("readableFrames").asInt()).isEqualTo(2);
        assertThat(junk.get("decodableFrames").asInt()).isEqualTo(1);
        assertThat(junk.get("undecodable").get(0).get("error").asText()).startsWith("not a service_events record");
        assertThat(junk.get("undecodable").get(0).get("offset").asLong()).isGreaterThan(SpoolFile.HEADER_SIZE);

        JsonNode purged = ok(task("dlq-purge", "file", badHeader));
        assertThat(purged.get("purged").asBoolean()).isTrue();
        ok(task("dlq-purge", "file", garbage));
        JsonNode after = ok(task("dlq-list"));
        assertThat(after.get("entries")).extracting(e -> e.get("name").asText()).doesNotContain(badHeader, garbage);
        assertThat(after.get("count").asInt()).isEqualTo(list.get("count").asInt() - 2);
        assertThat(dlqFilesGauge()).isEqualTo(after.get("count").asInt());
        assertThat(DATA_DIR.resolve("dlq").resolve(badHeader + ".reason.json")).doesNotExist();
        assertThat(task("dlq-purge", "file", badHeader).status()).isEqualTo(404);
    }

    private static int dlqFilesGauge() {
        GravixHttp.Answer metrics = http.getAdmin("/metrics");
        return metrics.body().lines().filter(l -> l.startsWith("dlq_files "))
                .map(l -> (int) Double.parseDouble(l.substring("dlq_files ".length()))).findFirst()
                .orElseThrow(() -> new AssertionError("no dlq_files in /metrics"));
    }

    @Test
    void everyDlqTaskRefusesARequestWithoutTheAdminToken() {
        for (String name : List.of("dlq-list", "dlq-show", "dlq-replay", "dlq-purge")) {
            GravixHttp.Answer none = http.postAdmin("/tasks/" + name + "?file=" + damagedEntry);
            assertThat(none.status()).as(name).isEqualTo(401);
            assertThat(none.json().get("error").asText()).contains("admin token");
            assertThat(http.postAdmin("/tasks/" + name + "?file=" + damagedEntry, "Authorization", "Bearer wrong").status())
                    .as(name).isEqualTo(401);
            // The token is checked before the parameters: no file= is still 401, not 400.
            assertThat(http.postAdmin("/tasks/" + name).status()).as(name).isEqualTo(401);
        }
    }

    @Test
    void aMissingRepeatedOrUnsafeFileParameterIs400NamingIt() {
        for (String name : List.of("dlq-show", "dlq-replay", "dlq-purge")) {
            GravixHttp.Answer missing = task(name);
            assertThat(missing.status()).as(name).isEqualTo(400);
            assertThat(missing.json().get("parameter").asText()).isEqualTo("file");
            assertThat(missing.json().get("error").asText()).startsWith("missing parameter file");
            for (String unsafe : List.of("../index.db", "request_facts-1/../../index.db", ".." , "", ".hidden",
                    damagedEntry + ".reason.json")) {
                GravixHttp.Answer refused = task(name, "file", unsafe);
                assertThat(refused.status()).as("%s file=%s", name, unsafe).isEqualTo(400);
                assertThat(refused.json().get("parameter").asText()).isEqualTo("file");
                assertThat(refused.json().get("error").asText()).startsWith("parameter file: a dead-letter entry name ");
            }
            GravixHttp.Answer twice = task(name, "file", damagedEntry, "file", damagedEntry);
            assertThat(twice.status()).isEqualTo(400);
            assertThat(twice.json().get("error").asText()).contains("given 2 times");
        }
        for (String frames : List.of("lots", "-1", "1001")) {
            GravixHttp.Answer refused = task("dlq-show", "file", damagedEntry, "frames", frames);
            assertThat(refused.status()).as("frames=%s", frames).isEqualTo(400);
            assertThat(refused.json().get("parameter").asText()).isEqualTo("frames");
        }
        assertThat(DATA_DIR.resolve("index.db")).exists();
    }

    @Test
    void aFileNamingNoEntryIs404NamingIt() {
        for (String name : List.of("dlq-show", "dlq-replay", "dlq-purge")) {
            GravixHttp.Answer missing = task(name, "file", "request_facts-000000009999.sealed");
            assertThat(missing.status()).as(name).isEqualTo(404);
            assertThat(missing.header("Content-Type")).startsWith("application/json");
            assertThat(missing.json().get("parameter").asText()).isEqualTo("file");
            assertThat(missing.json().get("file").asText()).isEqualTo("request_facts-000000009999.sealed");
            assertThat(missing.json().get("error").asText()).contains("no dead-letter entry");
        }
    }

    @Test
    void theSealNowTaskStillRuns() {
        // The parameter-check filter sits in front of every task; unchecked tasks pass through it.
        assertThat(ok(task("seal-now")).get("sealed").asBoolean()).isTrue();
    }
}

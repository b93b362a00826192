package io.gravix.rollup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Timestamp;
import io.gravix.api.spool.v1.RequestFactRecord;
import io.gravix.api.spool.v1.ServiceEventRecord;
import io.gravix.api.v1.RequestFact;
import io.gravix.api.v1.ServiceEvent;
import io.gravix.index.BatchState;
import io.gravix.spool.Table;
import io.gravix.testing.LakeDuckDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Exactly-once through crashes: traffic with client retries and duplicates inside one
 * request, spread over three event hours and several files per hour, is rolled up by a
 * run that "crashes" at each step (the harness throws there and is discarded, leaving
 * the disk as a crash would); a new harness on the same directory finishes the job.
 * DuckDB then proves every event is in the lake exactly once with every field intact,
 * under keys of the originally planned runs, and the spool is empty.
 */
class RollupExactlyOnceTest {
    private static final Instant HOUR_10 = Instant.parse("2026-03-01T10:00:00Z");
    private static final long INGESTED_AT = 1_772_362_000_000_000L;
    private static final Pattern RUN_OF_KEY = Pattern.compile("part-[a-z2-7]{12}-(\\d+)-\\d+\\.parquet$");

    @TempDir
    Path dataDir;

    /** What the traffic must leave in the lake: event id → expected contract columns. */
    private final Map<String, Map<String, Object>> expectedFacts = new LinkedHashMap<>();
    private final Map<String, Map<String, Object>> expectedEvents = new LinkedHashMap<>();

    @ParameterizedTest
    @EnumSource(CrashPoint.class)
    void everyEventLandsExactlyOnceWhateverStepTheRunCrashesAt(CrashPoint point) throws Exception {
        int filesAtCrash;
        try (RollupHarness h = new RollupHarness(dataDir, RollupHarness.quietConfig(25), CrashPoints.throwAt(point))) {
            sendTraffic(h);
            assertThatThrownBy(h::rollupNow).hasRootCauseInstanceOf(CrashPoints.SimulatedCrash.class);
            filesAtCrash = lakeFiles().size();
        }
        switch (point) {
            case PLANNED -> assertThat(filesAtCrash).isZero();
            case FIRST_FILE_PUT -> assertThat(filesAtCrash).isPositive();
            default -> assertThat(filesAtCrash).isGreaterThan(4);
        }

        try (RollupHarness h = new RollupHarness(dataDir, RollupHarness.quietConfig(25), CrashPoints.NONE)) {
            h.rollupNow();
            assertLakeHoldsEachEventOnce();
            if (point == CrashPoint.FIRST_FILE_PUT) {
                assertThat(filesAtCrash).isLessThan(lakeFiles().size());
            }
            // The crashed request_facts run was run 1 and was re-executed (or had committed): no other run wrote facts.
            assertThat(runsOfKeys("request_facts")).containsExactly(1L);
            assertThat(runsOfKeys("service_events")).containsExactly(2L);
            assertThat(h.index.rollupLedger().pendingRun("request_facts")).isEmpty();
            assertThat(spoolFiles()).isEmpty();
            assertThat(Files.list(dataDir.resolve("rollup-work")).toList()).isEmpty();
            assertThat(h.index.find(1)).map(b -> b.state()).contains(BatchState.ROLLED_UP);
        }
    }

    @Test
    void aRunReExecutedAfterACrashPutsTheSameKeysWithByteIdenticalFiles() throws Exception {
        Map<String, byte[]> atCrash;
        try (RollupHarness h = new RollupHarness(dataDir, RollupHarness.quietConfig(25), CrashPoints.throwAt(CrashPoint.ALL_FILES_PUT))) {
            sendTraffic(h);
            assertThatThrownBy(h::rollupNow).hasRootCauseInstanceOf(CrashPoints.SimulatedCrash.class);
            atCrash = lakeContent();
        }
        assertThat(atCrash).hasSizeGreaterThan(4);
        try (RollupHarness h = new RollupHarness(dataDir, RollupHarness.quietConfig(25), CrashPoints.NONE)) {
            h.rollupNow();
        }
        Map<String, byte[]> after = lakeContent();
        after.keySet().removeIf(key -> key.startsWith("service_events/")); // the table that ran after the crash
        assertThat(after.keySet()).isEqualTo(atCrash.keySet());
        for (Map.Entry<String, byte[]> file : atCrash.entrySet()) {
            assertThat(after.get(file.getKey())).as(file.getKey()).isEqualTo(file.getValue());
        }
        assertLakeHoldsEachEventOnce();
    }

    /** Every Parquet file of the lake by its key. */
    private Map<String, byte[]> lakeContent() throws Exception {
        Map<String, byte[]> content = new TreeMap<>();
        for (Path p : lakeFiles()) {
            content.put(dataDir.resolve("lake").relativize(p).toString(), Files.readAllBytes(p));
        }
        return content;
    }

    @Test
    void retriesAfterACommittedRunAreDroppedAlsoAfterARestart() throws Exception {
        try (RollupHarness h = new RollupHarness(dataDir, RollupHarness.quietConfig(25), CrashPoints.NONE)) {
            sendTraffic(h);
            List<RunSummary> runs = h.rollupNow();
            assertThat(runs).extracting(RunSummary::table).containsExactly("request_facts", "service_events");
            assertThat(runs.get(0).events()).isEqualTo(expectedFacts.size());
            // a-5 inside the first request, the 41 events of its retry, and b-3 sent again with other content
            assertThat(runs.get(0).duplicates()).isEqualTo(1 + 41 + 1);
            assertThat(runs.get(1).duplicates()).isEqualTo(20);
            assertThat(runs.get(1).events()).isEqualTo(expectedEvents.size());
        }
        try (RollupHarness h = new RollupHarness(dataDir, RollupHarness.quietConfig(25), CrashPoints.NONE)) {
            // The first request again, a day's worth of retries later: every event is a duplicate.
            h.append(Table.REQUEST_FACTS, firstRequest(), 41);
            h.seal();
            List<RunSummary> runs = h.rollupNow();
            assertThat(runs).singleElement().satisfies(r -> {
                assertThat(r.events()).isZero();
                assertThat(r.duplicates()).isEqualTo(41);
                assertThat(r.files()).isZero();
            });
            assertLakeHoldsEachEventOnce();
            assertThat(spoolFiles()).isEmpty();
        }
    }

    @Test
    void aSpoolFileLeftAfterItsRunCommittedIsDeletedByTheNextRollupNotRolledUpAgain() throws Exception {
        try (RollupHarness h = new RollupHarness(dataDir, RollupHarness.quietConfig(25), CrashPoints.NONE)) {
            sendTraffic(h);
            Path kept = dataDir.resolve("kept-copies");
            Files.createDirectories(kept);
            List<Path> sealed = spoolFiles();
            for (Path f : sealed) {
                Files.copy(f, kept.resolve(f.getParent().getFileName() + "-" + f.getFileName()));
            }
            h.rollupNow();
            // As if deleting them after the commit had failed: the files are back, their batches ROLLED_UP.
            for (Path f : sealed) {
                Files.copy(kept.resolve(f.getParent().getFileName() + "-" + f.getFileName()), f);
            }
            assertThat(h.rollupNow()).isEmpty();
            assertThat(spoolFiles()).isEmpty();
            assertLakeHoldsEachEventOnce();
        }
    }

    private void sendTraffic(RollupHarness h) throws Exception {
        RequestFactRecord first = firstRequest();
        h.append(Table.REQUEST_FACTS, first, first.getFactsCount());
        h.append(Table.REQUEST_FACTS, facts("b", 60, 70, "web"), 60);
        h.seal();
        h.append(Table.REQUEST_FACTS, first, first.getFactsCount()); // a client retry of the whole first request
        RequestFactRecord.Builder third = facts("c", 30, 100, "web").toBuilder();
        third.addFacts(fact("b-3", 150).toBuilder().setDurationMs(999)); // same id, other content: the first one stays
        h.append(Table.REQUEST_FACTS, third.build(), 31);
        h.seal();
        ServiceEventRecord deploys = serviceEvents("d", 20);
        h.append(Table.SERVICE_EVENTS, deploys, 20);
        h.append(Table.SERVICE_EVENTS, deploys, 20);
        h.seal();
    }

    /** 40 facts over hours 10 and 11, with fact a-5 twice inside the request. */
    private RequestFactRecord firstRequest() {
        RequestFactRecord.Builder r = facts("a", 40, 0, "mobile").toBuilder();
        r.addFacts(fact("a-5", 5));
        return r.build();
    }

    private RequestFactRecord facts(String prefix, int n, int minuteOffset, String source) {
        RequestFactRecord.Builder r = RequestFactRecord.newBuilder().setSource(source).setIngestedAtMicros(INGESTED_AT);
        for (int i = 0; i < n; i++) {
            RequestFact f = fact(prefix + "-" + i, minuteOffset + i);
            r.addFacts(f);
            expectedFacts.putIfAbsent(f.getEventId(), LakeDuckDb.expected(f, source, INGESTED_AT));
        }
        return r.build();
    }

    /** A fact {@code minute} minutes after 10:00 (so 40..160 minutes span hours 10, 11 and 12). */
    private static RequestFact fact(String id, int minute) {
        Instant t = HOUR_10.plusSeconds(minute * 60L + 7);
        return RequestFact.newBuilder()
                .setEventId(id)
                .setTimestamp(Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(123_456_000))
                .setService(minute % 2 == 0 ? "checkout" : "search")
                .setEnvironment(minute % 3 == 0 ? "" : "staging")
                .setRoute("/v1/orders/{id}")
                .setMethod("GET")
                .setStatusCode(200 + minute % 5)
                .setDurationMs(minute + 0.25)
                .setRequestBytes(minute)
                .setResponseBytes(minute * 10L)
                .setClientId(minute % 4 == 0 ? "" : "client-" + minute)
                .putAttributes("n", Integer.toString(minute))
                .build();
    }

    private ServiceEventRecord serviceEvents(String prefix, int n) {
        ServiceEventRecord.Builder r = ServiceEventRecord.newBuilder().setSource("deploy-bot").setIngestedAtMicros(INGESTED_AT);
        for (int i = 0; i < n; i++) {
            Instant t = HOUR_10.plusSeconds(i * 600L);
            ServiceEvent e = ServiceEvent.newBuilder()
                    .setEventId(prefix + "-" + i)
                    .setTimestamp(Timestamp.newBuilder().setSeconds(t.getEpochSecond()))
                    .setService("checkout")
                    .setKind(ServiceEvent.Kind.DEPLOY)
                    .setVersion("v" + i)
                    .build();
            r.addEvents(e);
            expectedEvents.putIfAbsent(e.getEventId(), LakeDuckDb.expected(e, "deploy-bot", INGESTED_AT));
        }
        return r.build();
    }

    private void assertLakeHoldsEachEventOnce() throws Exception {
        assertTableHolds(LakeDuckDb.requestFacts(dataDir.resolve("lake")), expectedFacts);
        assertTableHolds(LakeDuckDb.serviceEvents(dataDir.resolve("lake")), expectedEvents);
    }

    private static void assertTableHolds(List<Map<String, Object>> rows, Map<String, Map<String, Object>> expected) {
        Map<String, Integer> copies = new HashMap<>();
        for (Map<String, Object> row : rows) {
            copies.merge((String) row.get("event_id"), 1, Integer::sum);
            // partition directories match the event time
            Instant ts = Instant.ofEpochSecond(0, (Long) row.get("ts") * 1000);
            assertThat(row.get("dt")).isEqualTo(ts.toString().substring(0, 10));
            assertThat(row.get("hour")).isEqualTo(Integer.parseInt(ts.toString().substring(11, 13)));
        }
        assertThat(copies).allSatisfy((id, n) -> assertThat(n).as("copies of %s", id).isEqualTo(1));
        assertThat(copies.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        for (Map<String, Object> row : rows) {
            assertThat(LakeDuckDb.contractColumns(row)).isEqualTo(expected.get((String) row.get("event_id")));
        }
    }

    private List<Path> lakeFiles() throws Exception {
        Path lake = dataDir.resolve("lake");
        if (!Files.exists(lake)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(lake)) {
            return s.filter(p -> p.toString().endsWith(".parquet")).toList();
        }
    }

    private Set<Long> runsOfKeys(String table) throws Exception {
        Set<Long> runs = new TreeSet<>();
        for (Path p : lakeFiles()) {
            if (p.toString().contains("/" + table + "/")) {
                Matcher m = RUN_OF_KEY.matcher(p.getFileName().toString());
                assertThat(m.find()).isTrue();
                runs.add(Long.parseLong(m.group(1)));
            }
        }
        return runs;
    }

    private List<Path> spoolFiles() throws Exception {
        List<Path> files = new ArrayList<>();
        for (Table t : Table.values()) {
            try (Stream<Path> s = Files.list(dataDir.resolve("spool").resolve(t.tableName()))) {
                s.forEach(files::add);
            }
        }
        return files;
    }
}

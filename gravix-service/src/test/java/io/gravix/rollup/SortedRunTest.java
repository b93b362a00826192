package io.gravix.rollup;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.gravix.api.spool.v1.RequestFactRecord;
import io.gravix.api.spool.v1.ServiceEventRecord;
import io.gravix.api.v1.RequestFact;
import io.gravix.api.v1.ServiceEvent;
import io.gravix.rollup.columns.EventColumns;
import io.gravix.rollup.columns.SortedRun;
import io.gravix.spool.Table;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The run's index sort puts rows in exactly the order of {@link RowOrder}'s comparators, hour by hour. */
class SortedRunTest {
    private static final long HOUR_10_SECONDS = 1_772_359_200L; // 2026-03-01T10:00Z

    @Test
    void requestFactsAreInHourServiceRouteTimestampIdOrder() {
        checkRequestFacts(20_000, 7, 40, 600);
    }

    @Test
    void moreThanSixtyFiveThousandRoutesAndSameMicrosecondTiesSortToo() {
        // route ranks above 2^16 need the high radix digit; 50 distinct microseconds force many ties
        checkRequestFacts(80_000, 3, 70_000, 50);
    }

    @Test
    void serviceEventsAreInHourServiceTimestampIdOrder() {
        SplittableRandom random = new SplittableRandom(3);
        List<EventRow<ServiceEvent>> rows = new ArrayList<>();
        EventColumns columns = EventColumns.of(Table.SERVICE_EVENTS, 0);
        for (int i = 0; i < 5_000; i++) {
            ServiceEvent e = ServiceEvent.newBuilder().setEventId("se-" + random.nextInt(1 << 30) + "-" + i)
                    .setTimestamp(Timestamp.newBuilder().setSeconds(HOUR_10_SECONDS + random.nextInt(3 * 3600)).setNanos(1000 * random.nextInt(3)))
                    .setService("svc-" + random.nextInt(9)).setKind(ServiceEvent.Kind.DEPLOY).build();
            rows.add(new EventRow<>(e, "k", 1, 1));
            byte[] record = ServiceEventRecord.newBuilder().addEvents(e).build().toByteArray();
            columns.appendRecord(record, 0, record.length, 1);
        }
        assertSameOrder(columns, rows, r -> r.event().getTimestamp(), r -> r.event().getEventId(), RowOrder.SERVICE_EVENTS);
    }

    @Test
    void rowsByEventIdAreInTheIdsUnsignedByteOrder() {
        List<String> counters = new ArrayList<>();
        for (int i = 0; i < 30_000; i++) {
            counters.add("roll-" + String.format("%010d", (i * 7919L) % 30_000)); // a shared tag, then digits
        }
        checkIdOrder(counters);

        SplittableRandom random = new SplittableRandom(11);
        String[] alphabet = {"a", "b", "Z", "0", "-", ".", "é", "\u00ff", "\u4e2d"}; // é, ÿ, 中: bytes >= 0x80 sort after ASCII
        java.util.Set<String> mixed = new java.util.LinkedHashSet<>();
        while (mixed.size() < 20_000) {
            StringBuilder id = new StringBuilder(random.nextBoolean() ? "shared-prefix-longer-than-eight-" : "");
            for (int len = 1 + random.nextInt(random.nextInt(4) == 0 ? 30 : 3); id.length() < 40 && len > 0; len--) {
                id.append(alphabet[random.nextInt(alphabet.length)]);
            }
            mixed.add(id.toString());
            mixed.add(id.substring(0, 1 + random.nextInt(id.length()))); // prefixes of other ids
        }
        checkIdOrder(new ArrayList<>(mixed));
        checkIdOrder(List.of("only-one"));
        checkIdOrder(List.of());
    }

    private static void checkIdOrder(List<String> ids) {
        EventColumns columns = EventColumns.of(Table.REQUEST_FACTS, 0);
        for (String id : ids) {
            byte[] record = RequestFactRecord.newBuilder().addFacts(RequestFact.newBuilder().setEventId(id)
                    .setTimestamp(Timestamp.newBuilder().setSeconds(HOUR_10_SECONDS)).setDurationMs(1)).build().toByteArray();
            columns.appendRecord(record, 0, record.length, 1);
        }
        columns.seal();
        List<String> actual = new ArrayList<>();
        for (int row : SortedRun.rowsByEventId(columns)) {
            actual.add(columns.eventId(row));
        }
        List<String> expected = new ArrayList<>(ids);
        expected.sort((a, b) -> java.util.Arrays.compareUnsigned(a.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                b.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(actual).isEqualTo(expected);
    }

    private static void checkRequestFacts(int n, int services, int routes, int distinctMicros) {
        SplittableRandom random = new SplittableRandom(n);
        List<EventRow<RequestFact>> rows = new ArrayList<>();
        EventColumns columns = EventColumns.of(Table.REQUEST_FACTS, 0);
        for (int i = 0; i < n; i++) {
            long micros = (long) random.nextInt(distinctMicros) * (4 * 3_600_000_000L / distinctMicros); // over 4 hours
            RequestFact f = RequestFact.newBuilder().setEventId("id-" + random.nextInt(1 << 30) + "-" + i)
                    .setTimestamp(Timestamp.newBuilder().setSeconds(HOUR_10_SECONDS + micros / 1_000_000).setNanos((int) (micros % 1_000_000) * 1000))
                    .setService("svc-" + random.nextInt(services)).setRoute("/r/" + random.nextInt(routes))
                    .setMethod("GET").setStatusCode(200).setDurationMs(1).build();
            rows.add(new EventRow<>(f, "k", 1, 1));
            byte[] record = RequestFactRecord.newBuilder().addFacts(f).build().toByteArray();
            columns.appendRecord(record, 0, record.length, 1);
        }
        assertSameOrder(columns, rows, r -> r.event().getTimestamp(), r -> r.event().getEventId(), RowOrder.REQUEST_FACTS);
    }

    private static <E> void assertSameOrder(EventColumns columns, List<EventRow<E>> rows,
                                            java.util.function.Function<EventRow<E>, Timestamp> ts,
                                            java.util.function.Function<EventRow<E>, String> id, Comparator<EventRow<E>> order) {
        columns.seal();
        SortedRun sorted = SortedRun.of(columns);
        List<EventRow<E>> expected = new ArrayList<>(rows);
        expected.sort(Comparator.<EventRow<E>>comparingLong(r -> LakePartition.hourOf(ParquetSchemas.epochMicros(ts.apply(r))))
                .thenComparing(order));
        List<String> actual = new ArrayList<>();
        for (int row : sorted.rows()) {
            actual.add(columns.eventId(row));
        }
        assertThat(actual).isEqualTo(expected.stream().map(id).toList());
        int hours = 0;
        for (int h = 0; h < sorted.hourCount(); h++) {
            for (int i = sorted.hourStart(h); i < sorted.hourEnd(h); i++) {
                assertThat(LakePartition.hourOf(columns.timestampMicros(sorted.rows()[i]))).isEqualTo(sorted.hour(h));
            }
            hours++;
        }
        assertThat(hours).isGreaterThan(1);
    }
}

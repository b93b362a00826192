package io.gravix.rollup;

import static org.assertj.core.api.Assertions.assertThat;

import io.gravix.api.spool.v1.RequestFactRecord;
import io.gravix.api.spool.v1.ServiceEventRecord;
import io.gravix.api.v1.RequestFact;
import io.gravix.api.v1.ServiceEvent;
import io.gravix.loadgen.EventFactory;
import io.gravix.rollup.columns.ColumnarParquetWriter;
import io.gravix.rollup.columns.EventColumns;
import io.gravix.spool.Table;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import org.apache.parquet.io.LocalOutputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dictionary-coded string columns written as pages from their codes
 * ({@code DictionaryColumnChunk}) give the bytes parquet-mr's own dictionary writer gives
 * for the same rows — in every case parquet-mr keeps its dictionary, and by handing the
 * column back to parquet-mr where it would not.
 */
class DictionaryPagesTest {
    private static final int PAGE = ColumnarParquetWriter.PAGE_ROWS;

    @TempDir
    Path dir;

    private final EventFactory events = new EventFactory("pages", Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC), 5);

    @Test
    void manyPagesInShuffledOrderWithValuesFirstSeenOnLaterPagesWriteParquetMrsBytes() throws IOException {
        // routes appear over the file (the bit width grows page by page), rows in a shuffled order as the sort leaves them
        int rows = 2 * PAGE + 7_001;
        EventColumns facts = requestFacts(rows, i -> "/v1/route/" + (i * 37 / rows) * (i % 3));
        assertBothWaysWriteTheSameBytes(facts, shuffled(rows, 3), 5); // service, environment, route, method, source
        EventColumns serviceEvents = serviceEvents(PAGE + 500);
        assertBothWaysWriteTheSameBytes(serviceEvents, shuffled(PAGE + 500, 4), 4); // service, environment, kind, source
    }

    @Test
    void aFileOfFewRowsAndOneRouteWritesParquetMrsBytes() throws IOException {
        // one route: ids of zero bits
        assertBothWaysWriteTheSameBytes(requestFacts(50, i -> "/only"), shuffled(50, 2), 5);
    }

    @Test
    void aFileOfOneRowGoesToParquetMrWhoseDictionaryWouldNotPay() throws IOException {
        assertBothWaysWriteTheSameBytes(requestFacts(1, i -> "/only"), new int[] {0}, 0);
    }

    @Test
    void aRunDictionaryOverTheDictionaryPageLimitGoesToParquetMr() throws IOException {
        // 24,000 distinct 60-byte routes: 1.5 MB of dictionary, over the 1 MiB parquet-mr keeps a dictionary for
        String pad = "x".repeat(48);
        int rows = 24_000;
        EventColumns facts = requestFacts(rows, i -> "/v1/" + pad + String.format("%08d", i));
        assertBothWaysWriteTheSameBytes(facts, shuffled(rows, 5), 4);
    }

    @Test
    void aFirstPageTheDictionaryDoesNotShrinkGoesToParquetMr() throws IOException {
        // every route of the first page distinct (the dictionary costs more than it saves), the run's table under 1 MiB
        int rows = PAGE + 3_000;
        EventColumns facts = requestFacts(rows, i -> "/r/" + (i < PAGE ? i : i % 10));
        int[] inOrder = new int[rows];
        for (int i = 0; i < rows; i++) {
            inOrder[i] = i;
        }
        assertBothWaysWriteTheSameBytes(facts, inOrder, 4);
    }

    private void assertBothWaysWriteTheSameBytes(EventColumns columns, int[] rows, int directColumns) throws IOException {
        columns.seal();
        Path direct = dir.resolve("direct-" + columns.schema().getName() + "-" + rows.length + ".parquet");
        Path parquetMr = dir.resolve("parquet-mr-" + columns.schema().getName() + "-" + rows.length + ".parquet");
        try (ZstdCodecFactory codecs = new ZstdCodecFactory(ZstdCodecFactory.DEFAULT_LEVEL)) {
            assertThat(ColumnarParquetWriter.write(columns, rows, 0, rows.length, new LocalOutputFile(direct), Map.of(), codecs, true))
                    .as("columns written from their codes").isEqualTo(directColumns);
            assertThat(ColumnarParquetWriter.write(columns, rows, 0, rows.length, new LocalOutputFile(parquetMr), Map.of(), codecs,
                    false)).isZero();
        }
        assertThat(Files.readAllBytes(direct)).isEqualTo(Files.readAllBytes(parquetMr));
    }

    /** {@code rows} facts in frames of 500, three sources, with {@code routeOf(i)} as the i-th fact's route. */
    private EventColumns requestFacts(int rows, IntFunction<String> routeOf) {
        List<byte[]> frames = new ArrayList<>();
        for (int start = 0; start < rows; start += 500) {
            RequestFactRecord.Builder frame = RequestFactRecord.newBuilder().setSource("key-" + start % 3).setIngestedAtMicros(start);
            for (int i = start; i < Math.min(rows, start + 500); i++) {
                RequestFact fact = events.requestFact(i);
                frame.addFacts(fact.toBuilder().setRoute(routeOf.apply(i)));
            }
            frames.add(frame.build().toByteArray());
        }
        return append(Table.REQUEST_FACTS, frames);
    }

    private EventColumns serviceEvents(int rows) {
        List<byte[]> frames = new ArrayList<>();
        for (int start = 0; start < rows; start += 500) {
            ServiceEventRecord.Builder frame = ServiceEventRecord.newBuilder().setSource("key-" + start % 2).setIngestedAtMicros(start);
            for (int i = start; i < Math.min(rows, start + 500); i++) {
                ServiceEvent event = events.serviceEvent(i);
                frame.addEvents(event);
            }
            frames.add(frame.build().toByteArray());
        }
        return append(Table.SERVICE_EVENTS, frames);
    }

    private static EventColumns append(Table table, List<byte[]> frames) {
        EventColumns columns = EventColumns.of(table, frames.stream().mapToInt(f -> f.length).sum());
        long batch = 1;
        for (byte[] f : frames) {
            columns.appendRecord(f, 0, f.length, batch++);
        }
        return columns;
    }

    private static int[] shuffled(int n, long seed) {
        int[] rows = new int[n];
        for (int i = 0; i < n; i++) {
            rows[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = rows[i];
            rows[i] = rows[j];
            rows[j] = t;
        }
        return rows;
    }
}

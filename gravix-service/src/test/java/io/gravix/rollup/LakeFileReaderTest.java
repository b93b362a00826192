package io.gravix.rollup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gravix.api.v1.RequestFact;
import io.gravix.api.v1.ServiceEvent;
import io.gravix.loadgen.EventFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lake's event-id reader on files of the real writer, without Hadoop on the class path
 * (Surefire keeps hadoop-client-api off it, as the shaded jar has none).
 */
class LakeFileReaderTest {
    private static final Instant AT = Instant.parse("2026-03-01T10:15:00Z");

    @TempDir
    Path dir;

    @Test
    void readsEveryEventIdOfARequestFactsFileInFileOrder() throws IOException {
        // More rows than one page holds (20,000), so ids come from several pages of one row group.
        List<EventRow<RequestFact>> rows = LakeEvents.requestFacts(45_000, 3);
        Path file = dir.resolve("facts.parquet");
        try (ParquetEventWriter<RequestFact> writer = ParquetEventWriter.requestFacts(file)) {
            for (EventRow<RequestFact> row : rows) {
                writer.write(row);
            }
        }
        List<String> ids = new ArrayList<>();

        long count = LakeFileReader.readEventIds(file, ids::add);

        assertThat(count).isEqualTo(rows.size());
        assertThat(ids).containsExactlyElementsOf(rows.stream().map(r -> r.event().getEventId()).toList());
    }

    @Test
    void readsEveryEventIdOfAServiceEventsFile() throws IOException {
        EventFactory factory = new EventFactory("svc", Clock.fixed(AT, ZoneOffset.UTC), 5);
        Path file = dir.resolve("events.parquet");
        List<String> written = new ArrayList<>();
        try (ParquetEventWriter<ServiceEvent> writer = ParquetEventWriter.serviceEvents(file)) {
            for (int i = 0; i < 300; i++) {
                ServiceEvent event = factory.serviceEvent(i);
                writer.write(new EventRow<>(event, "tests", 1, 7));
                written.add(event.getEventId());
            }
        }
        List<String> ids = new ArrayList<>();

        assertThat(LakeFileReader.readEventIds(file, ids::add)).isEqualTo(300);
        assertThat(ids).containsExactlyElementsOf(written);
    }

    @Test
    void aFileWithoutRowsHasNoIds() throws IOException {
        Path file = dir.resolve("empty.parquet");
        ParquetEventWriter.requestFacts(file).close();
        List<String> ids = new ArrayList<>();

        assertThat(LakeFileReader.readEventIds(file, ids::add)).isZero();
        assertThat(ids).isEmpty();
    }

    @Test
    void aFileThatIsNotParquetIsAnErrorNamingIt() throws IOException {
        Path file = Files.writeString(dir.resolve("not.parquet"), "certainly not parquet, just some text of a size");

        assertThatThrownBy(() -> LakeFileReader.readEventIds(file, id -> { }))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString());
    }

    @Test
    void aTruncatedFileIsAnErrorNamingIt() throws IOException {
        Path file = dir.resolve("cut.parquet");
        try (ParquetEventWriter<RequestFact> writer = ParquetEventWriter.requestFacts(file)) {
            for (EventRow<RequestFact> row : LakeEvents.requestFacts(1_000, 3)) {
                writer.write(row);
            }
        }
        byte[] whole = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(whole, whole.length / 2));

        assertThatThrownBy(() -> LakeFileReader.readEventIds(file, id -> { }))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString());
    }

    @Test
    void aFileWithoutAnEventIdColumnIsAnError() throws Exception {
        Path file = duckDbParquet("SELECT 42 AS id");

        assertThatThrownBy(() -> LakeFileReader.readEventIds(file, id -> { }))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("no column event_id");
    }

    @Test
    void anEventIdColumnThatIsNotARequiredStringIsAnError() throws Exception {
        Path file = duckDbParquet("SELECT 'a-1' AS event_id"); // DuckDB writes every column OPTIONAL

        assertThatThrownBy(() -> LakeFileReader.readEventIds(file, id -> { }))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not a required string");
    }

    /** A Parquet file written by DuckDB from {@code query}: another writer, other schemas. */
    private Path duckDbParquet(String query) throws Exception {
        Path file = dir.resolve("duckdb-" + Integer.toHexString(query.hashCode()) + ".parquet");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute("COPY (" + query + ") TO '" + file + "' (FORMAT parquet)");
        }
        return file;
    }
}

package io.gravix.rollup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Timestamp;
import io.gravix.api.v1.RequestFact;
import io.gravix.api.v1.ServiceEvent;
import io.gravix.loadgen.EventFactory;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes lake files and reads them back with an independent Parquet reader, DuckDB:
 * every field of every row, the row order, the Parquet types and the file's layout
 * (ZSTD, dictionary pages).
 */
class ParquetEventWriterTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:15:30Z");

    private static Connection duckdb;

    @TempDir
    Path dir;

    @BeforeAll
    static void openDuckDb() throws SQLException {
        duckdb = DriverManager.getConnection("jdbc:duckdb:");
    }

    @AfterAll
    static void closeDuckDb() throws SQLException {
        duckdb.close();
    }

    @Test
    void writesWithoutHadoopOnTheClassPath() {
        // the test class path excludes hadoop-client-api exactly as the shaded jar does
        assertThatThrownBy(() -> Class.forName("org.apache.hadoop.conf.Configuration"))
                .isInstanceOf(ClassNotFoundException.class);
    }

    @Test
    void requestFactsReadBackFieldForFieldInRowOrder() throws Exception {
        List<EventRow<RequestFact>> rows = new ArrayList<>(edgeCaseRequestFacts());
        EventFactory factory = new EventFactory("run1", Clock.fixed(T0, ZoneOffset.UTC), 3);
        // more rows than a page (ColumnarParquetWriter.PAGE_ROWS): values gathered for one page must not leak into the next
        for (int i = 0; i < 45_000; i++) {
            rows.add(new EventRow<>(factory.requestFact(i), "web", micros(T0) + i, 7));
        }
        Collections.shuffle(rows, new java.util.Random(5));
        rows.sort(RowOrder.REQUEST_FACTS);
        Path file = write(ParquetEventWriter.requestFacts(dir.resolve("rf.parquet")), rows);

        List<Map<String, Object>> read = query("SELECT event_id, epoch_us(ts) AS ts, service, environment, route, method,"
                + " status_code, duration_ms, request_bytes, response_bytes, client_id, trace_id,"
                + " map_keys(attributes) AS attribute_keys, map_values(attributes) AS attribute_values,"
                + " source, epoch_us(ingested_at) AS ingested_at, batch_id"
                + " FROM read_parquet('" + file + "', file_row_number = true) ORDER BY file_row_number");

        assertThat(read).hasSize(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            assertThat(read.get(i)).as("row %d", i).isEqualTo(expected(rows.get(i)));
        }
    }

    @Test
    void serviceEventsOfEveryKindReadBackFieldForField() throws Exception {
        List<EventRow<ServiceEvent>> rows = new ArrayList<>();
        int n = 0;
        for (ServiceEvent.Kind kind : ServiceEvent.Kind.values()) {
            if (kind == ServiceEvent.Kind.UNRECOGNIZED) {
                continue; // not a kind: protobuf's marker for a number this build does not know
            }
            ServiceEvent.Builder event = ServiceEvent.newBuilder()
                    .setEventId("se-" + n)
                    .setTimestamp(timestamp(T0.plusMillis(n * 1000L), 987_654_321))
                    .setService(n % 2 == 0 ? "payments" : "checkout")
                    .setKind(kind);
            if (n % 2 == 0) {
                event.setEnvironment("staging").setVersion("v2." + n).setActor("Zoë Ünal")
                        .setMessage("déploiement ✅ " + "x".repeat(4000))
                        .putAttributes("git.sha", "abc123").putAttributes("pr", "#42");
            } // odd events: environment, version, actor, message and attributes all empty
            rows.add(new EventRow<>(event.build(), "deploy-bot", micros(T0) + n, 100 + n));
            n++;
        }
        assertThat(rows).hasSize(9); // KIND_UNSPECIFIED .. CUSTOM
        rows.sort(RowOrder.SERVICE_EVENTS);
        Path file = write(ParquetEventWriter.serviceEvents(dir.resolve("se.parquet")), rows);

        List<Map<String, Object>> read = query("SELECT event_id, epoch_us(ts) AS ts, service, environment, kind,"
                + " version, actor, message, map_keys(attributes) AS attribute_keys,"
                + " map_values(attributes) AS attribute_values, source, epoch_us(ingested_at) AS ingested_at, batch_id"
                + " FROM read_parquet('" + file + "', file_row_number = true) ORDER BY file_row_number");

        assertThat(read).hasSize(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            ServiceEvent e = rows.get(i).event();
            Map<String, Object> want = new LinkedHashMap<>();
            want.put("event_id", e.getEventId());
            want.put("ts", ParquetSchemas.epochMicros(e.getTimestamp()));
            want.put("service", e.getService());
            want.put("environment", e.getEnvironment().isEmpty() ? "production" : e.getEnvironment());
            want.put("kind", e.getKind().name());
            want.put("version", nullIfEmpty(e.getVersion()));
            want.put("actor", nullIfEmpty(e.getActor()));
            want.put("message", nullIfEmpty(e.getMessage()));
            want.put("attribute_keys", List.copyOf(e.getAttributesMap().keySet()));
            want.put("attribute_values", List.copyOf(e.getAttributesMap().values()));
            want.put("source", rows.get(i).source());
            want.put("ingested_at", rows.get(i).ingestedAtMicros());
            want.put("batch_id", rows.get(i).batchId());
            assertThat(read.get(i)).as("row %d", i).isEqualTo(want);
        }
        assertThat(read).extracting(r -> r.get("kind")).containsExactlyInAnyOrder(
                "KIND_UNSPECIFIED", "DEPLOY", "ROLLBACK", "CONFIG_CHANGE", "SCALE",
                "INCIDENT_OPENED", "INCIDENT_RESOLVED", "ALERT", "CUSTOM");
        assertThat(read).filteredOn(r -> r.get("event_id").equals("se-0")).extracting(r -> r.get("ts"))
                .containsExactly(micros(T0) + 987_654); // nanos truncated to micros
    }

    @Test
    void rowsAreStoredInServiceRouteTimestampOrder() throws Exception {
        List<EventRow<RequestFact>> rows = LakeEvents.requestFacts(2_000, 10);
        rows.sort(RowOrder.REQUEST_FACTS);
        Path file = write(ParquetEventWriter.requestFacts(dir.resolve("ordered.parquet")), rows);

        List<Map<String, Object>> read = query("SELECT service, route, epoch_us(ts) AS ts FROM read_parquet('"
                + file + "', file_row_number = true) ORDER BY file_row_number");
        List<Map<String, Object>> sortedByDuckDb = query("SELECT service, route, epoch_us(ts) AS ts FROM read_parquet('"
                + file + "') ORDER BY service, route, ts, event_id");
        assertThat(read).hasSize(2_000).isEqualTo(sortedByDuckDb);
    }

    @Test
    void fileTypesAreTheDocumentedOnes() throws Exception {
        Path rf = write(ParquetEventWriter.requestFacts(dir.resolve("types-rf.parquet")), edgeCaseRequestFacts());
        assertThat(parquetTypes(rf)).containsExactly(
                "event_id BYTE_ARRAY UTF8 REQUIRED",
                "ts INT64 TIMESTAMP_MICROS REQUIRED",
                "service BYTE_ARRAY UTF8 REQUIRED",
                "environment BYTE_ARRAY UTF8 REQUIRED",
                "route BYTE_ARRAY UTF8 REQUIRED",
                "method BYTE_ARRAY UTF8 REQUIRED",
                "status_code INT32 null REQUIRED",
                "duration_ms DOUBLE null REQUIRED",
                "request_bytes INT64 null REQUIRED",
                "response_bytes INT64 null REQUIRED",
                "client_id BYTE_ARRAY UTF8 OPTIONAL",
                "trace_id BYTE_ARRAY UTF8 OPTIONAL",
                "attributes null MAP REQUIRED",
                "key_value null null REPEATED",
                "key BYTE_ARRAY UTF8 REQUIRED",
                "value BYTE_ARRAY UTF8 REQUIRED",
                "source BYTE_ARRAY UTF8 REQUIRED",
                "ingested_at INT64 TIMESTAMP_MICROS REQUIRED",
                "batch_id INT64 null REQUIRED");
        assertThat(duckDbTypes(rf)).containsEntry("ts", "TIMESTAMP WITH TIME ZONE")
                .containsEntry("attributes", "MAP(VARCHAR, VARCHAR)")
                .containsEntry("status_code", "INTEGER")
                .containsEntry("request_bytes", "BIGINT");
        List<Map<String, Object>> utc = query("SELECT logical_type FROM parquet_schema('" + rf
                + "') WHERE name IN ('ts', 'ingested_at')");
        assertThat(utc).extracting(r -> r.get("logical_type").toString())
                .allSatisfy(t -> assertThat(t).contains("isAdjustedToUTC=1").contains("MICROS"));

        Path se = write(ParquetEventWriter.serviceEvents(dir.resolve("types-se.parquet")),
                List.of(new EventRow<>(ServiceEvent.newBuilder().setEventId("a").setTimestamp(timestamp(T0, 0))
                        .setService("s").setKind(ServiceEvent.Kind.ALERT).build(), "k", 1, 2)));
        assertThat(parquetTypes(se)).containsExactly(
                "event_id BYTE_ARRAY UTF8 REQUIRED",
                "ts INT64 TIMESTAMP_MICROS REQUIRED",
                "service BYTE_ARRAY UTF8 REQUIRED",
                "environment BYTE_ARRAY UTF8 REQUIRED",
                "kind BYTE_ARRAY UTF8 REQUIRED",
                "version BYTE_ARRAY UTF8 OPTIONAL",
                "actor BYTE_ARRAY UTF8 OPTIONAL",
                "message BYTE_ARRAY UTF8 OPTIONAL",
                "attributes null MAP REQUIRED",
                "key_value null null REPEATED",
                "key BYTE_ARRAY UTF8 REQUIRED",
                "value BYTE_ARRAY UTF8 REQUIRED",
                "source BYTE_ARRAY UTF8 REQUIRED",
                "ingested_at INT64 TIMESTAMP_MICROS REQUIRED",
                "batch_id INT64 null REQUIRED");
    }

    @Test
    void everyColumnChunkIsZstdCompressedAndLowCardinalityColumnsAreDictionaryEncoded() throws Exception {
        List<EventRow<RequestFact>> rows = LakeEvents.requestFacts(5_000, 10);
        rows.sort(RowOrder.REQUEST_FACTS);
        Path file = write(ParquetEventWriter.requestFacts(dir.resolve("layout.parquet")), rows);

        List<Map<String, Object>> chunks = query("SELECT path_in_schema AS col, compression, encodings,"
                + " dictionary_page_offset FROM parquet_metadata('" + file + "')");
        assertThat(chunks).hasSize(17); // one row group, 17 leaf columns
        assertThat(chunks).allSatisfy(c -> assertThat(c.get("compression")).isEqualTo("ZSTD"));
        for (String column : List.of("service", "environment", "route", "method", "status_code", "client_id",
                "source", "batch_id", "attributes, key_value, key", "attributes, key_value, value")) {
            Map<String, Object> chunk = chunks.stream().filter(c -> c.get("col").equals(column)).findFirst().orElseThrow();
            assertThat((String) chunk.get("encodings")).as(column).contains("RLE_DICTIONARY");
            assertThat(chunk.get("dictionary_page_offset")).as(column).isNotNull();
        }
        List<Map<String, Object>> meta = query("SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata('"
                + file + "')");
        assertThat(meta).contains(Map.of("k", "gravix.table", "v", "request_facts"));
    }

    /**
     * A full disk while the row group and footer are written: parquet-mr's close fails and
     * leaves its stream open, so a deleted temp file kept its blocks allocated (seen: a 15 MB
     * file held open after every failed run). The writer must release the file whatever
     * fails, and the zstd context that compressed its pages.
     */
    @Test
    void aFullDiskDuringCloseStillReleasesTheFileAndItsZstdContext() throws Exception {
        Path file = dir.resolve("full.parquet");
        AtomicBoolean streamClosed = new AtomicBoolean();
        AtomicLong room = new AtomicLong(Long.MAX_VALUE);
        OutputFile disk = new OutputFile() {
            @Override
            public PositionOutputStream create(long blockSizeHint) throws IOException {
                OutputStream out = Files.newOutputStream(file);
                return new PositionOutputStream() {
                    private long pos;

                    @Override
                    public long getPos() {
                        return pos;
                    }

                    @Override
                    public void write(int b) throws IOException {
                        write(new byte[] {(byte) b}, 0, 1);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        if (room.addAndGet(-len) < 0) {
                            throw new IOException("No space left on device");
                        }
                        out.write(b, off, len);
                        pos += len;
                    }

                    @Override
                    public void close() throws IOException {
                        streamClosed.set(true);
                        out.close();
                    }
                };
            }

            @Override
            public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
                return create(blockSizeHint);
            }

            @Override
            public boolean supportsBlockSize() {
                return false;
            }

            @Override
            public long defaultBlockSize() {
                return 0;
            }
        };
        ParquetEventWriter<RequestFact> writer = ParquetEventWriter.requestFacts(file, disk);
        for (EventRow<RequestFact> row : LakeEvents.requestFacts(2_000, 10)) {
            writer.write(row);
        }
        room.set(4); // room for the magic only: the disk fills up when the compressed row group is flushed
        int open = ZstdCodecFactory.openContexts();
        int made = ZstdCodecFactory.madeContexts();
        assertThatThrownBy(writer::close).hasStackTraceContaining("No space left on device");
        assertThat(streamClosed).isTrue();
        assertThat(file).hasSize(4); // the write failed after the pages were compressed
        assertThat(ZstdCodecFactory.madeContexts()).as("zstd contexts made").isEqualTo(made + 1);
        assertThat(ZstdCodecFactory.openContexts()).as("zstd contexts left open").isEqualTo(open);
    }

    /**
     * A zstd context holds native memory that nothing but its release frees (zstd-jni has
     * no cleaner; ~235 KiB each). Every file made one and none released it: the rollup's
     * resident memory grew by that per file written, outside the heap and its limit. A
     * read releases its own (parquet-mr's reader releases its codec factory on close).
     */
    @Test
    void everyFileReleasesItsCompressionContext() throws Exception {
        int contexts = ZstdCodecFactory.openContexts();
        int made = ZstdCodecFactory.madeContexts();
        for (int i = 0; i < 5; i++) {
            try (ParquetEventWriter<RequestFact> writer = ParquetEventWriter.requestFacts(dir.resolve("f" + i + ".parquet"))) {
                for (EventRow<RequestFact> row : LakeEvents.requestFacts(1_000, 10)) {
                    writer.write(row);
                }
            }
        }
        assertThat(ZstdCodecFactory.madeContexts()).as("zstd contexts made by writes").isEqualTo(made + 5);
        assertThat(ZstdCodecFactory.openContexts()).as("zstd contexts left open by writes").isEqualTo(contexts);
        assertThat(LakeFileReader.readEventIds(dir.resolve("f4.parquet"), id -> { })).isEqualTo(1_000);
        assertThat(ZstdCodecFactory.madeContexts()).as("zstd contexts made by a read").isGreaterThan(made + 5);
        assertThat(ZstdCodecFactory.openContexts()).as("zstd contexts left open by a read").isEqualTo(contexts);
    }

    @Test
    void anExistingFileIsNotOverwritten() throws IOException {
        Path file = Files.writeString(dir.resolve("taken.parquet"), "x");
        assertThatThrownBy(() -> ParquetEventWriter.requestFacts(file)).isInstanceOf(IOException.class);
        assertThat(Files.readString(file)).isEqualTo("x");
    }

    @Test
    void uint64AboveLongMaxIsSaturatedAndTimestampsTruncateToMicros() {
        assertThat(ParquetSchemas.saturatedUint64(-1L)).isEqualTo(Long.MAX_VALUE); // 2^64-1
        assertThat(ParquetSchemas.saturatedUint64(Long.MIN_VALUE)).isEqualTo(Long.MAX_VALUE); // 2^63
        assertThat(ParquetSchemas.saturatedUint64(Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
        assertThat(ParquetSchemas.saturatedUint64(0)).isZero();
        assertThat(ParquetSchemas.epochMicros(Timestamp.newBuilder().setSeconds(-1).setNanos(999_999_999).build()))
                .isEqualTo(-1);
        assertThat(ParquetSchemas.epochMicros(Timestamp.newBuilder().setSeconds(1).setNanos(1_999).build()))
                .isEqualTo(1_000_001);
    }

    @Test
    void bytesPerRequestFactOnGeneratedTraffic() throws Exception {
        int n = 100_000;
        List<EventRow<RequestFact>> rows = LakeEvents.requestFacts(n, 36); // 100,000 events over an hour
        rows.sort(RowOrder.REQUEST_FACTS);
        Path file = write(ParquetEventWriter.requestFacts(dir.resolve("size.parquet")), rows);
        double perRow = (double) Files.size(file) / n;
        System.out.printf("request_facts: %,d rows, %,d bytes, %.2f bytes per request fact%n", n, Files.size(file), perRow);
        assertThat(perRow).isLessThan(60); // measured ~20; generous so it cannot flake
    }

    // --- fixtures -------------------------------------------------------------------------

    /** Request facts at the edges of the contract. */
    private static List<EventRow<RequestFact>> edgeCaseRequestFacts() {
        List<EventRow<RequestFact>> rows = new ArrayList<>();
        RequestFact minimal = RequestFact.newBuilder() // optional fields unset, environment empty, duration 0
                .setEventId("min").setTimestamp(timestamp(T0, 0)).setService("a").setRoute("/")
                .setMethod("GET").setStatusCode(100).setDurationMs(0).build();
        rows.add(new EventRow<>(minimal, "k1", 0, 0));
        RequestFact.Builder full = RequestFact.newBuilder()
                .setEventId("Max:id.-_" + "z".repeat(119)).setTimestamp(timestamp(T0.plusSeconds(59), 999_999_999))
                .setService("s".repeat(64)).setEnvironment("canary-eu.1").setRoute("/v1/städte/{id}/😀")
                .setMethod("OPTIONS").setStatusCode(599).setDurationMs(3_600_000)
                .setRequestBytes(-1L) // 2^64-1 on the wire
                .setResponseBytes(Long.MAX_VALUE)
                .setClientId("クライアント-" + "c".repeat(100)).setTraceId("0123456789abcdef0123456789abcdef");
        for (int i = 0; i < 16; i++) {
            full.putAttributes("key." + i, i == 3 ? "" : i == 7 ? "värde 値 🚀" : "v".repeat(256));
        }
        rows.add(new EventRow<>(full.build(), "ключ", Long.MAX_VALUE / 2, Long.MAX_VALUE));
        rows.add(new EventRow<>(minimal.toBuilder().setEventId("small-duration").setDurationMs(0.001)
                .setRequestBytes(Long.MIN_VALUE).putAttributes("region", "eu-west-1").build(), "k1", 1, 1));
        rows.sort(RowOrder.REQUEST_FACTS);
        return rows;
    }

    private static Map<String, Object> expected(EventRow<RequestFact> row) {
        RequestFact f = row.event();
        Map<String, Object> want = new LinkedHashMap<>();
        want.put("event_id", f.getEventId());
        want.put("ts", ParquetSchemas.epochMicros(f.getTimestamp()));
        want.put("service", f.getService());
        want.put("environment", f.getEnvironment().isEmpty() ? "production" : f.getEnvironment());
        want.put("route", f.getRoute());
        want.put("method", f.getMethod());
        want.put("status_code", f.getStatusCode());
        want.put("duration_ms", f.getDurationMs());
        want.put("request_bytes", f.getRequestBytes() < 0 ? Long.MAX_VALUE : f.getRequestBytes());
        want.put("response_bytes", f.getResponseBytes() < 0 ? Long.MAX_VALUE : f.getResponseBytes());
        want.put("client_id", nullIfEmpty(f.getClientId()));
        want.put("trace_id", nullIfEmpty(f.getTraceId()));
        want.put("attribute_keys", List.copyOf(f.getAttributesMap().keySet()));
        want.put("attribute_values", List.copyOf(f.getAttributesMap().values()));
        want.put("source", row.source());
        want.put("ingested_at", row.ingestedAtMicros());
        want.put("batch_id", row.batchId());
        return want;
    }

    private static String nullIfEmpty(String s) {
        return s.isEmpty() ? null : s;
    }

    private static Timestamp timestamp(Instant instant, int nanos) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(nanos).build();
    }

    private static long micros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1_000;
    }

    private static <E> Path write(ParquetEventWriter<E> writer, List<EventRow<E>> rows) throws IOException {
        try (writer) {
            for (EventRow<E> row : rows) {
                writer.write(row);
            }
        }
        assertThat(writer.rows()).isEqualTo(rows.size());
        return writer.file();
    }

    /** "name physical logical repetition" for each node below the root, in schema order. */
    private static List<String> parquetTypes(Path file) throws SQLException {
        List<String> types = new ArrayList<>();
        for (Map<String, Object> r : query("SELECT name, type, converted_type, repetition_type FROM parquet_schema('"
                + file + "')")) {
            if (!r.get("name").equals("request_facts") && !r.get("name").equals("service_events")) { // the root
                types.add(r.get("name") + " " + r.get("type") + " " + r.get("converted_type") + " " + r.get("repetition_type"));
            }
        }
        return types;
    }

    private static Map<String, String> duckDbTypes(Path file) throws SQLException {
        Map<String, String> types = new LinkedHashMap<>();
        for (Map<String, Object> r : query("DESCRIBE SELECT * FROM read_parquet('" + file + "')")) {
            types.put((String) r.get("column_name"), (String) r.get("column_type"));
        }
        return types;
    }

    /** Rows as column → value, with SQL arrays as lists and HUGEINT/UBIGINT kept as returned. */
    private static List<Map<String, Object>> query(String sql) throws SQLException {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Statement st = duckdb.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int c = 1; c <= columns; c++) {
                    String name = rs.getMetaData().getColumnLabel(c);
                    if (name.equals("file_row_number")) {
                        continue;
                    }
                    Object value = rs.getObject(c);
                    row.put(name, value instanceof Array a ? List.of((Object[]) a.getArray()) : value);
                }
                rows.add(row);
            }
        }
        return rows;
    }

}

package io.gravix.testing;

import io.gravix.api.v1.RequestFact;
import io.gravix.api.v1.ServiceEvent;
import io.gravix.store.ObjectInfo;
import io.gravix.store.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a lake with DuckDB, a Parquet reader independent of the one Gravix writes with:
 * every row of a table with its columns, partition values ({@code dt}, {@code hour}) and
 * file key, and the row a contract event is expected to become.
 */
public final class LakeDuckDb {
    private LakeDuckDb() {}

    /** Every {@code request_facts} row under a local lake root, ordered by event_id. */
    public static List<Map<String, Object>> requestFacts(Path lakeRoot) throws SQLException {
        return rows(lakeRoot, "request_facts", "event_id, epoch_us(ts) AS ts, service, environment, route, method, status_code,"
                + " duration_ms, request_bytes, response_bytes, client_id, trace_id,"
                + " map_keys(attributes) AS attribute_keys, map_values(attributes) AS attribute_values,"
                + " source, epoch_us(ingested_at) AS ingested_at, batch_id");
    }

    /** Every {@code service_events} row under a local lake root, ordered by event_id. */
    public static List<Map<String, Object>> serviceEvents(Path lakeRoot) throws SQLException {
        return rows(lakeRoot, "service_events", "event_id, epoch_us(ts) AS ts, service, environment, kind, version, actor,"
                + " message, map_keys(attributes) AS attribute_keys, map_values(attributes) AS attribute_values,"
                + " source, epoch_us(ingested_at) AS ingested_at, batch_id");
    }

    /** Copies every object of {@code store} under {@code prefix} into {@code dir} (same relative keys); returns {@code dir}. */
    public static Path download(ObjectStore store, String prefix, Path dir) throws IOException {
        for (ObjectInfo o : store.list(prefix)) {
            Path target = dir.resolve(o.key());
            Files.createDirectories(target.getParent());
            try (InputStream in = store.open(o.key())) {
                Files.copy(in, target);
            }
        }
        return dir;
    }

    private static List<Map<String, Object>> rows(Path lakeRoot, String table, String columns) throws SQLException {
        Path dir = lakeRoot.resolve(table);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        String sql = "SELECT " + columns + ", dt::VARCHAR AS dt, hour::INTEGER AS hour,"
                + " regexp_extract(filename, '[^/]+/dt=[^/]+/hour=[^/]+/[^/]+$') AS key"
                + " FROM read_parquet('" + dir + "/*/*/*.parquet', hive_partitioning = true, filename = true)"
                + " ORDER BY event_id, key";
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
             Statement st = duckdb.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int c = 1; c <= n; c++) {
                    Object value = rs.getObject(c);
                    row.put(rs.getMetaData().getColumnLabel(c), value instanceof Array a ? List.of((Object[]) a.getArray()) : value);
                }
                rows.add(row);
            }
        }
        return rows;
    }

    /** The columns a request fact accepted from {@code source} at {@code ingestedAtMicros} must have in the lake. */
    public static Map<String, Object> expected(RequestFact f, String source, long ingestedAtMicros) {
        Map<String, Object> want = new LinkedHashMap<>();
        want.put("event_id", f.getEventId());
        want.put("ts", micros(f.getTimestamp()));
        want.put("service", f.getService());
        want.put("environment", f.getEnvironment().isEmpty() ? "production" : f.getEnvironment());
        want.put("route", f.getRoute());
        want.put("method", f.getMethod());
        want.put("status_code", f.getStatusCode());
        want.put("duration_ms", f.getDurationMs());
        want.put("request_bytes", f.getRequestBytes() < 0 ? Long.MAX_VALUE : f.getRequestBytes());
        want.put("response_bytes", f.getResponseBytes() < 0 ? Long.MAX_VALUE : f.getResponseBytes());
        want.put("client_id", f.getClientId().isEmpty() ? null : f.getClientId());
        want.put("trace_id", f.getTraceId().isEmpty() ? null : f.getTraceId());
        want.put("attributes", Map.copyOf(f.getAttributesMap()));
        want.put("source", source);
        want.put("ingested_at", ingestedAtMicros);
        return want;
    }

    /** The columns a service event accepted from {@code source} at {@code ingestedAtMicros} must have in the lake. */
    public static Map<String, Object> expected(ServiceEvent e, String source, long ingestedAtMicros) {
        Map<String, Object> want = new LinkedHashMap<>();
        want.put("event_id", e.getEventId());
        want.put("ts", micros(e.getTimestamp()));
        want.put("service", e.getService());
        want.put("environment", e.getEnvironment().isEmpty() ? "production" : e.getEnvironment());
        want.put("kind", e.getKind().name());
        want.put("version", e.getVersion().isEmpty() ? null : e.getVersion());
        want.put("actor", e.getActor().isEmpty() ? null : e.getActor());
        want.put("message", e.getMessage().isEmpty() ? null : e.getMessage());
        want.put("attributes", Map.copyOf(e.getAttributesMap()));
        want.put("source", source);
        want.put("ingested_at", ingestedAtMicros);
        return want;
    }

    /**
     * {@code row} without the columns the rollup chooses ({@code batch_id}) and the partition/file
     * columns, with the attribute keys and values as one map (the order of a map's entries is
     * not part of the contract: JSON and protobuf clients send them in different orders).
     */
    public static Map<String, Object> contractColumns(Map<String, Object> row) {
        Map<String, Object> copy = new LinkedHashMap<>(row);
        List<?> keys = (List<?>) copy.remove("attribute_keys");
        List<?> values = (List<?>) copy.remove("attribute_values");
        Map<Object, Object> attributes = new java.util.HashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            attributes.put(keys.get(i), values.get(i));
        }
        copy.put("attributes", attributes);
        copy.remove("batch_id");
        copy.remove("dt");
        copy.remove("hour");
        copy.remove("key");
        return copy;
    }

    private static long micros(com.google.protobuf.Timestamp t) {
        return t.getSeconds() * 1_000_000 + t.getNanos() / 1_000;
    }
}

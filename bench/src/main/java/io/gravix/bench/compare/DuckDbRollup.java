package io.gravix.bench.compare;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;

/**
 * DuckDB's side of the rollup comparison in {@code bench/compare.sh}: the shared dataset's
 * NDJSON (from {@link DatasetFiles}) to ZSTD Parquet in the lake's {@code dt=/hour=} layout,
 * keeping one row per {@code event_id}, in one {@code COPY}, on {@code threads} threads. The
 * columns are the lake's, with {@code source}, {@code ingested_at} and {@code batch_id} as
 * constants (Gravix's rollup writes them too). Times the {@code COPY} only.
 *
 * <p>{@code java -cp bench/target/benchmarks.jar io.gravix.bench.compare.DuckDbRollup IN.ndjson OUT_DIR [threads]}
 */
public final class DuckDbRollup {
    public static void main(String[] args) throws Exception {
        Path in = Path.of(args[0]);
        Path out = Path.of(args[1]);
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute("SET threads=" + threads);
            s.execute("SET preserve_insertion_order=false");
            String copy = """
                    COPY (
                      SELECT eventId AS event_id, "timestamp" AS ts, service, environment, route, method,
                             statusCode AS status_code, durationMs AS duration_ms,
                             CAST(coalesce(requestBytes, '0') AS BIGINT) AS request_bytes,
                             CAST(coalesce(responseBytes, '0') AS BIGINT) AS response_bytes,
                             nullif(clientId, '') AS client_id, nullif(traceId, '') AS trace_id, attributes,
                             'bench' AS source, TIMESTAMP '2026-01-01 00:00:00' AS ingested_at, CAST(0 AS BIGINT) AS batch_id,
                             strftime("timestamp", '%%Y-%%m-%%d') AS dt, strftime("timestamp", '%%H') AS hour
                      FROM read_json('%s', format = 'newline_delimited', columns = {
                        eventId: 'VARCHAR', "timestamp": 'TIMESTAMP', service: 'VARCHAR', environment: 'VARCHAR',
                        route: 'VARCHAR', method: 'VARCHAR', statusCode: 'INTEGER', durationMs: 'DOUBLE',
                        requestBytes: 'VARCHAR', responseBytes: 'VARCHAR', clientId: 'VARCHAR', traceId: 'VARCHAR',
                        attributes: 'MAP(VARCHAR, VARCHAR)'})
                      QUALIFY row_number() OVER (PARTITION BY eventId) = 1
                    ) TO '%s' (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (dt, hour))
                    """.formatted(in.toAbsolutePath().toString().replace("'", "''"), out.toAbsolutePath().toString().replace("'", "''"));
            long start = System.nanoTime();
            s.execute(copy);
            double seconds = (System.nanoTime() - start) / 1e9;
            long rows;
            try (ResultSet r = s.executeQuery("SELECT count(*), count(DISTINCT event_id) FROM read_parquet('"
                    + out.toAbsolutePath() + "/**/*.parquet')")) {
                r.next();
                rows = r.getLong(1);
                if (rows != r.getLong(2)) {
                    throw new IllegalStateException("duplicate event ids in DuckDB's output: " + rows + " rows, " + r.getLong(2) + " ids");
                }
            }
            long sent;
            try (ResultSet r = s.executeQuery("SELECT count(*) FROM read_json('" + in.toAbsolutePath() + "', format = 'newline_delimited', columns = {eventId: 'VARCHAR'})")) {
                r.next();
                sent = r.getLong(1);
            }
            List<Path> files;
            try (Stream<Path> walk = Files.walk(out)) {
                files = walk.filter(p -> p.toString().endsWith(".parquet")).toList();
            }
            long bytes = 0;
            for (Path f : files) {
                bytes += Files.size(f);
            }
            System.out.printf("RESULT events_per_s=%.0f seconds=%.2f sent=%d rows=%d files=%d parquet_bytes=%d bytes_per_event=%.2f%n",
                    sent / seconds, seconds, sent, rows, files.size(), bytes, bytes / (double) rows);
        }
    }
}

package io.gravix.rollup;

import io.gravix.api.v1.RequestFact;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bytes of Parquet per request fact for candidate row orders, on 1,000,000 events (one
 * hour at ~278 events/s). A measurement, not a check: run it with
 * {@code mvn -pl gravix-service test -Dtest=RowOrderMeasurement -Dgravix.measure=true}.
 */
@EnabledIfSystemProperty(named = "gravix.measure", matches = "true")
class RowOrderMeasurement {
    private static final Comparator<EventRow<RequestFact>> TS =
            Comparator.comparingLong(r -> ParquetSchemas.epochMicros(r.event().getTimestamp()));

    /** Compressed bytes per row of each column, from the footer (DuckDB's parquet_metadata). */
    private static void printColumnSizes(Path file, int n) throws Exception {
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = db.createStatement();
                ResultSet rs = st.executeQuery("SELECT path_in_schema, sum(total_compressed_size) FROM parquet_metadata('"
                        + file + "') GROUP BY 1 ORDER BY 2 DESC")) {
            StringBuilder line = new StringBuilder("    ");
            while (rs.next()) {
                line.append(String.format("%s %.2f  ", rs.getString(1), rs.getDouble(2) / n));
            }
            System.out.println(line);
        }
    }

    @Test
    void bytesPerRowForEachOrder(@TempDir Path dir) throws Exception {
        int n = Integer.getInteger("gravix.measure.rows", 1_000_000);
        List<EventRow<RequestFact>> rows = LakeEvents.requestFacts(n, 3_600_000.0 / n);
        if (Boolean.getBoolean("gravix.measure.uuids")) { // random ids, as many clients send
            java.util.SplittableRandom random = new java.util.SplittableRandom(7);
            rows.replaceAll(r -> new EventRow<>(r.event().toBuilder().setEventId(
                    new java.util.UUID(random.nextLong(), random.nextLong()).toString()).build(),
                    r.source(), r.ingestedAtMicros(), r.batchId()));
        }
        Map<String, Comparator<EventRow<RequestFact>>> orders = new LinkedHashMap<>();
        orders.put("arrival (unsorted)", null);
        orders.put("ts", TS);
        orders.put("service, ts", Comparator.<EventRow<RequestFact>, String>comparing(r -> r.event().getService()).thenComparing(TS));
        orders.put("service, route, ts", RowOrder.REQUEST_FACTS);
        orders.put("service, route, method, status_code, ts", Comparator
                .<EventRow<RequestFact>, String>comparing(r -> r.event().getService())
                .thenComparing(r -> r.event().getRoute())
                .thenComparing(r -> r.event().getMethod())
                .thenComparingInt(r -> r.event().getStatusCode())
                .thenComparing(TS));
        int i = 0;
        for (Map.Entry<String, Comparator<EventRow<RequestFact>>> order : orders.entrySet()) {
            List<EventRow<RequestFact>> sorted = new ArrayList<>(rows);
            if (order.getValue() != null) {
                sorted.sort(order.getValue());
            }
            Path file = dir.resolve("order-" + i++ + ".parquet");
            long start = System.nanoTime();
            try (ParquetEventWriter<RequestFact> writer = ParquetEventWriter.requestFacts(file)) {
                for (EventRow<RequestFact> row : sorted) {
                    writer.write(row);
                }
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("%-45s %,12d bytes  %6.2f bytes/row  (write %d ms)%n",
                    order.getKey(), Files.size(file), (double) Files.size(file) / n, millis);
            printColumnSizes(file, n);
        }
    }
}

package io.gravix.bench;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The query benchmark (bench/query-bench.sh): the five example queries of README.md's
 * "Querying" section, taken verbatim from it with the dataset's day in place of
 * {@code current_date}, each run once to warm up and {@code runs} times timed on Trino
 * (JDBC) and on DuckDB (JDBC, in process, {@code read_parquet} over the same lake files with
 * hive partitioning) as the anchor. Every query's results must agree between the two engines
 * (row count and every value; approximate percentiles within 3 %, second differences
 * within 1 s), or it exits non-zero. Prints the timing table and the lake's shape.
 *
 * <p>{@code java -cp bench/target/benchmarks.jar io.gravix.bench.QueryBench <README.md> <dataset dir> <trino jdbc url> [runs]}
 */
public final class QueryBench {
    private static final String[] NAMES = {"error rate by service per hour", "p99 by route (one hour)", "top clients by errors",
        "deploys next to error rate", "late events per hour"};

    public static void main(String[] args) throws Exception {
        Path readme = Path.of(args[0]);
        Path dataset = Path.of(args[1]).toAbsolutePath();
        String trinoUrl = args[2];
        int runs = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        Properties props = new Properties();
        try (var in = Files.newBufferedReader(dataset.resolve("dataset.properties"))) {
            props.load(in);
        }
        LocalDate day = LocalDate.parse(props.getProperty("day"));
        long expectedFacts = Long.parseLong(props.getProperty("request_facts"));
        long expectedEvents = Long.parseLong(props.getProperty("service_events"));
        List<String> queries = readmeQueries(Files.readString(readme), day);

        Properties trinoProps = new Properties();
        trinoProps.setProperty("user", "bench");
        try (Connection trino = DriverManager.getConnection(trinoUrl, trinoProps);
             Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
            try (Statement s = duck.createStatement()) {
                s.execute("SET TimeZone = 'UTC'");
                for (String table : List.of("request_facts", "service_events")) {
                    s.execute("CREATE VIEW " + table + " AS SELECT * FROM read_parquet('" + dataset.resolve("lake") + "/" + table
                            + "/dt=*/hour=*/*.parquet', hive_partitioning = true, hive_types = {'dt': 'VARCHAR', 'hour': 'INTEGER'})");
                }
                // Trino's name for DuckDB's approx_quantile; the only function the README queries need renamed
                s.execute("CREATE MACRO approx_percentile(x, p) AS approx_quantile(x, p)");
            }
            // count(DISTINCT event_id) over a 10-million-event day needs more than the 512 MB per node of
            // trino/etc/config.properties on Trino (it fails there): DuckDB checks the ids are distinct.
            String counts = "SELECT (SELECT count(*) FROM request_facts), (SELECT count(*) FROM service_events)";
            List<String> want = List.of(String.valueOf(expectedFacts), String.valueOf(expectedEvents));
            for (Map.Entry<String, Connection> e : Map.of("Trino", trino, "DuckDB", duck).entrySet()) {
                List<String> got = run(e.getValue(), counts).get(0).stream().map(String::valueOf).toList();
                if (!got.equals(want)) {
                    fail(e.getKey() + " counts request_facts, service_events = " + got + ", the dataset has " + want);
                }
            }
            String distinct = String.valueOf(run(duck, "SELECT count(DISTINCT event_id) FROM request_facts").get(0).get(0));
            if (!distinct.equals(String.valueOf(expectedFacts))) {
                fail("DuckDB counts " + distinct + " distinct event ids in request_facts, the dataset has " + expectedFacts);
            }
            System.out.printf("both engines count %,d request facts (all distinct) and %,d service events%n", expectedFacts, expectedEvents);

            List<String[]> table = new ArrayList<>();
            for (int q = 0; q < queries.size(); q++) {
                String sql = queries.get(q);
                double[] trinoTimes = new double[runs];
                double[] duckTimes = new double[runs];
                List<String> columns = new ArrayList<>();
                List<List<Object>> trinoRows = run(trino, sql, columns); // warm-up
                List<List<Object>> duckRows = run(duck, sql);
                for (int i = 0; i < runs; i++) { // alternate, so both see the same machine load
                    trinoTimes[i] = timed(trino, sql);
                    duckTimes[i] = timed(duck, sql);
                }
                List<Integer> exact = exactColumns(columns);
                Map<String, List<Object>> lower = exactQuantiles(duck, sql, exact, -0.005);
                Map<String, List<Object>> upper = exactQuantiles(duck, sql, exact, +0.005);
                compare(q + 1, sql, columns, trinoRows, duckRows, lower, upper);
                double tm = median(trinoTimes);
                double dm = median(duckTimes);
                table.add(new String[] {(q + 1) + ". " + NAMES[q], fmt(tm), fmt(min(trinoTimes)), fmt(dm), fmt(min(duckTimes)),
                    String.format("%.1f×", tm / dm), String.valueOf(trinoRows.size())});
                System.out.printf("query %d done: Trino %s s, DuckDB %s s, %d rows, first row %s%n", q + 1, fmt(tm), fmt(dm),
                        trinoRows.size(), trinoRows.isEmpty() ? "-" : trinoRows.get(0));
            }
            System.out.println();
            System.out.printf("| query | Trino median | Trino min | DuckDB median | DuckDB min | Trino / DuckDB | rows |%n");
            System.out.printf("|---|---|---|---|---|---|---|%n");
            for (String[] row : table) {
                System.out.println("| " + String.join(" | ", row) + " |");
            }
            System.out.printf("(seconds, wall time of executing the query and reading all its rows over JDBC; 1 warm-up + %d timed runs)%n",
                    runs);
            lakeShape(dataset.resolve("lake"), expectedFacts);
        }
    }

    /** The ```sql blocks of README's "Five example queries", with the dataset's day for current_date and the example day. */
    static List<String> readmeQueries(String readme, LocalDate day) {
        int from = readme.indexOf("### Five example queries");
        if (from < 0) {
            fail("README.md has no \"### Five example queries\" section");
        }
        int to = readme.indexOf("\n### ", from + 10);
        String section = readme.substring(from, to < 0 ? readme.length() : to);
        List<String> queries = new ArrayList<>();
        Matcher m = Pattern.compile("```sql\n(.*?)```", Pattern.DOTALL).matcher(section);
        while (m.find()) {
            String sql = m.group(1).strip();
            sql = sql.endsWith(";") ? sql.substring(0, sql.length() - 1) : sql;
            sql = sql.replaceAll("'\\d{4}-\\d{2}-\\d{2}'", "'" + day + "'") // the example day of the p99 query
                    .replace("CAST(current_date - INTERVAL '1' DAY AS varchar)", "'" + day.minusDays(1) + "'")
                    .replace("CAST(current_date AS varchar)", "'" + day + "'");
            if (sql.contains("current_date") || sql.contains("now()")) {
                fail("a README query still depends on the current date: " + sql);
            }
            queries.add(sql);
        }
        if (queries.size() != 5) {
            fail("expected the 5 example queries in README.md, found " + queries.size());
        }
        return queries;
    }

    private static List<List<Object>> run(Connection c, String sql) throws SQLException {
        return run(c, sql, new ArrayList<>());
    }

    private static List<List<Object>> run(Connection c, String sql, List<String> columns) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            int n = md.getColumnCount();
            for (int i = 1; i <= n; i++) {
                columns.add(md.getColumnLabel(i));
            }
            while (rs.next()) {
                List<Object> row = new ArrayList<>(n);
                for (int i = 1; i <= n; i++) {
                    row.add(normalize(rs.getObject(i)));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private static double timed(Connection c, String sql) throws SQLException {
        long start = System.nanoTime();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                for (int i = 1; i <= n; i++) {
                    rs.getObject(i);
                }
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** Timestamps as UTC instants (Trino: timestamp(6) without zone; DuckDB: the Parquet columns are UTC-adjusted). */
    private static Object normalize(Object v) {
        if (v instanceof java.sql.Timestamp t) {
            return t.toLocalDateTime().toInstant(ZoneOffset.UTC);
        }
        if (v instanceof LocalDateTime t) {
            return t.toInstant(ZoneOffset.UTC);
        }
        if (v instanceof OffsetDateTime t) {
            return t.toInstant();
        }
        if (v instanceof Number n && !(v instanceof BigDecimal)) {
            return v instanceof Double || v instanceof Float ? BigDecimal.valueOf(n.doubleValue()) : BigDecimal.valueOf(n.longValue());
        }
        return v;
    }

    private static boolean approximate(String column) {
        return column.startsWith("p99") || column.endsWith("_ms");
    }

    private static List<Integer> exactColumns(List<String> columns) {
        List<Integer> exact = new ArrayList<>();
        for (int c = 0; c < columns.size(); c++) {
            if (!approximate(columns.get(c))) {
                exact.add(c);
            }
        }
        return exact;
    }

    /**
     * The query on DuckDB with every {@code approx_percentile(x, p)} exact at {@code p + delta}
     * ({@code quantile_disc}), its rows by their exact columns: the band an approximate
     * percentile with at most 0.5 % rank error lies in. Not timed.
     */
    private static Map<String, List<Object>> exactQuantiles(Connection duck, String sql, List<Integer> exact, double delta)
            throws SQLException {
        Map<String, List<Object>> rows = new java.util.HashMap<>();
        try (Statement s = duck.createStatement()) {
            s.execute("CREATE OR REPLACE MACRO approx_percentile(x, p) AS quantile_disc(x, p + (" + delta + "))");
            try {
                for (List<Object> row : run(duck, sql)) {
                    rows.put(key(row, exact), row);
                }
            } finally {
                s.execute("CREATE OR REPLACE MACRO approx_percentile(x, p) AS approx_quantile(x, p)");
            }
        }
        return rows;
    }

    /**
     * Rows must agree: every exact value equal (error rates to 1e-9, date_diff seconds within 1:
     * Trino counts elapsed seconds, DuckDB second boundaries). Approximate percentiles come from
     * two different sketches (Trino's and DuckDB's t-digests) and differ most in small groups and
     * near a gap in the distribution (the 30 s timeouts): each engine's value must be within 3 %
     * of the other's, or both must lie between the exact quantiles at p ± 0.005 (0.5 % rank
     * error). A query ordered by an approximate value is compared by its other columns, with up
     * to 2 rows at the cut-off of its LIMIT allowed to differ.
     */
    private static void compare(int q, String sql, List<String> columns, List<List<Object>> trino, List<List<Object>> duck,
                                Map<String, List<Object>> lower, Map<String, List<Object>> upper) {
        if (trino.size() != duck.size()) {
            fail("query " + q + ": Trino returned " + trino.size() + " rows, DuckDB " + duck.size());
        }
        if (trino.isEmpty()) {
            fail("query " + q + " returned no rows on either engine: the dataset does not exercise it");
        }
        String orderBy = sql.substring(Math.max(0, sql.lastIndexOf("ORDER BY")));
        boolean byApproximate = columns.stream().anyMatch(c -> approximate(c) && orderBy.contains(c));
        List<Integer> exact = exactColumns(columns);
        Map<String, List<Object>> duckByKey = new java.util.HashMap<>();
        for (List<Object> row : duck) {
            duckByKey.put(key(row, exact), row);
        }
        int approxValues = 0;
        int banded = 0;
        int cutOff = 0;
        for (int r = 0; r < trino.size(); r++) {
            List<Object> t = trino.get(r);
            String key = key(t, exact);
            List<Object> d = byApproximate ? duckByKey.get(key) : duck.get(r);
            if (d == null) {
                if (r >= trino.size() - 2 && ++cutOff <= 2) {
                    System.out.printf("  query %d: row %d %s is at the LIMIT's cut-off on Trino only%n", q, r + 1, t);
                    continue;
                }
                fail("query " + q + ": Trino's row " + (r + 1) + " " + t + " is not among DuckDB's\n  DuckDB: " + duck);
            }
            for (int c = 0; c < columns.size(); c++) {
                String problem = differs(columns.get(c), t.get(c), d.get(c));
                if (problem == null) {
                    approxValues += approximate(columns.get(c)) ? 1 : 0;
                    continue;
                }
                if (!approximate(columns.get(c))) {
                    fail("query " + q + ", row " + (r + 1) + ", column " + columns.get(c) + ": " + problem
                            + "\n  Trino:  " + t + "\n  DuckDB: " + d);
                }
                approxValues++;
                List<Object> lo = lower.get(key);
                List<Object> hi = upper.get(key);
                if (lo == null || hi == null || !within(t.get(c), lo.get(c), hi.get(c)) || !within(d.get(c), lo.get(c), hi.get(c))) {
                    fail("query " + q + ", row " + (r + 1) + ", column " + columns.get(c) + ": " + problem
                            + ", and not both within the exact quantiles at p ± 0.005: "
                            + (lo == null || hi == null ? "(group not found)" : lo.get(c) + " .. " + hi.get(c))
                            + "\n  Trino:  " + t + "\n  DuckDB: " + d);
                }
                banded++;
            }
        }
        if (approxValues > 0) {
            System.out.printf("  query %d: %d approximate percentiles agree within 3 %%; %d more differ further but both lie"
                    + " within 0.5 %% rank of the exact quantile%n", q, approxValues - banded, banded);
        }
    }

    private static boolean within(Object v, Object lo, Object hi) {
        return v instanceof BigDecimal x && lo instanceof BigDecimal l && hi instanceof BigDecimal h
                && x.compareTo(l) >= 0 && x.compareTo(h) <= 0;
    }

    private static String key(List<Object> row, List<Integer> columns) {
        StringBuilder k = new StringBuilder();
        for (int c : columns) {
            Object v = row.get(c);
            k.append(v instanceof BigDecimal b ? b.stripTrailingZeros().toPlainString() : String.valueOf(v)).append('\u0001');
        }
        return k.toString();
    }

    private static String differs(String column, Object a, Object b) {
        if (a == null || b == null) {
            return a == b ? null : "Trino " + a + ", DuckDB " + b;
        }
        if (a instanceof BigDecimal x && b instanceof BigDecimal y) {
            double dx = x.doubleValue();
            double dy = y.doubleValue();
            double tolerance = approximate(column) ? 0.03 * Math.max(Math.abs(dx), Math.abs(dy))
                    : column.endsWith("_s") ? 1.0
                    : 1e-9 * Math.max(1, Math.abs(dx));
            return Math.abs(dx - dy) <= tolerance ? null : "Trino " + dx + ", DuckDB " + dy;
        }
        return a.equals(b) ? null : "Trino " + a + " (" + a.getClass().getSimpleName() + "), DuckDB " + b + " ("
                + b.getClass().getSimpleName() + ")";
    }

    /** Files per hour partition and Parquet bytes per event of each table. */
    private static void lakeShape(Path lake, long facts) throws Exception {
        for (String table : List.of("request_facts", "service_events")) {
            Map<String, long[]> hours = new TreeMap<>(); // dt/hour -> files, bytes
            try (Stream<Path> files = Files.walk(lake.resolve(table))) {
                files.filter(p -> p.toString().endsWith(".parquet")).forEach(p -> {
                    long[] h = hours.computeIfAbsent(p.getParent().getParent().getFileName() + "/" + p.getParent().getFileName(),
                            k -> new long[2]);
                    h[0]++;
                    h[1] += p.toFile().length();
                });
            }
            long[] perHour = hours.values().stream().mapToLong(h -> h[0]).sorted().toArray();
            long files = Arrays.stream(perHour).sum();
            long bytes = hours.values().stream().mapToLong(h -> h[1]).sum();
            System.out.printf("%s: %d hour partitions, %d files, files per hour min %d / median %d / max %d, %,d Parquet bytes%s%n",
                    table, perHour.length, files, perHour[0], perHour[perHour.length / 2], perHour[perHour.length - 1], bytes,
                    table.equals("request_facts") ? String.format(" = %.2f B/event, %.1f MB per file on average",
                            bytes / (double) facts, bytes / 1e6 / files) : "");
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElseThrow();
    }

    private static String fmt(double seconds) {
        return seconds < 10 ? String.format("%.2f", seconds) : String.format("%.1f", seconds);
    }

    private static void fail(String message) {
        System.err.println("FAIL: " + message);
        System.exit(1);
    }
}

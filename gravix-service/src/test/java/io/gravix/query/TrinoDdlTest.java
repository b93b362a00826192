package io.gravix.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.gravix.rollup.ParquetSchemas;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.junit.jupiter.api.Test;

/**
 * The Trino DDL in {@code trino/sql/create-tables.sql} declares exactly the columns of
 * {@link ParquetSchemas}, in the files' order and with the Trino type each Parquet type maps
 * to, followed by the partition keys {@code dt} and {@code hour}. A drift (for example
 * {@code ts timestamp(3)} or {@code status_code bigint}) fails here, before any query does.
 */
final class TrinoDdlTest {
    static final Path DDL = Path.of(System.getProperty("gravix.trino.dir", "../trino"), "sql", "create-tables.sql");

    @Test
    void requestFactsDdlMatchesParquetSchema() throws IOException {
        assertThat(ddlColumns("request_facts")).containsExactlyEntriesOf(expected(ParquetSchemas.REQUEST_FACTS));
    }

    @Test
    void serviceEventsDdlMatchesParquetSchema() throws IOException {
        assertThat(ddlColumns("service_events")).containsExactlyEntriesOf(expected(ParquetSchemas.SERVICE_EVENTS));
    }

    @Test
    void bothTablesArePartitionedByDtAndHour() throws IOException {
        String ddl = Files.readString(DDL);
        assertThat(Pattern.compile("partitioned_by = ARRAY\\['dt', 'hour'\\]").matcher(ddl).results().count()).isEqualTo(2);
    }

    @Test
    void aDriftedTypeIsDetected() {
        Map<String, String> drifted = parse("CREATE TABLE IF NOT EXISTS x.gravix.t (\n    event_id varchar,\n    ts timestamp(3),\n"
                + "    dt varchar,\n    hour integer\n)\nWITH (format = 'PARQUET');", "t");
        assertThat(drifted).isNotEqualTo(Map.of("event_id", "varchar", "ts", "timestamp(6)", "dt", "varchar", "hour", "integer"));
        assertThat(drifted).containsEntry("ts", "timestamp(3)");
    }

    private static Map<String, String> ddlColumns(String table) throws IOException {
        return parse(Files.readString(DDL), table);
    }

    /** Column name → type of {@code CREATE TABLE ... <table> (...)}; a column's {@code WITH (...)} is not part of its type. */
    static Map<String, String> parse(String ddl, String table) {
        Matcher start = Pattern.compile("CREATE TABLE IF NOT EXISTS \\S+\\.gravix\\." + table + " \\(\\n").matcher(ddl);
        assertThat(start.find()).as("CREATE TABLE of %s in %s", table, DDL).isTrue();
        int end = ddl.indexOf("\n)\nWITH (", start.end());
        Map<String, String> columns = new LinkedHashMap<>();
        Pattern column = Pattern.compile("^    (\\w+) (.+?)(?: WITH \\(.*)?,?$");
        for (String line : ddl.substring(start.end(), end).split("\n")) {
            Matcher m = column.matcher(line);
            if (m.matches()) {
                columns.put(m.group(1), m.group(2).replaceAll(",$", ""));
            }
        }
        return columns;
    }

    private static Map<String, String> expected(MessageType schema) {
        Map<String, String> columns = new LinkedHashMap<>();
        for (Type field : schema.getFields()) {
            columns.put(field.getName(), trinoType(field));
        }
        columns.put("dt", "varchar");
        columns.put("hour", "integer");
        return columns;
    }

    /** The Trino type Trino's Parquet reader gives the lake's Parquet type (README "Lake schema"). */
    private static String trinoType(Type field) {
        if (!field.isPrimitive()) {
            GroupType map = field.asGroupType();
            assertThat(map.getLogicalTypeAnnotation()).isEqualTo(LogicalTypeAnnotation.mapType());
            List<String> kv = new ArrayList<>();
            for (Type t : map.getType(0).asGroupType().getFields()) {
                kv.add(trinoType(t));
            }
            return "map(" + String.join(", ", kv) + ")";
        }
        PrimitiveType p = field.asPrimitiveType();
        LogicalTypeAnnotation logical = p.getLogicalTypeAnnotation();
        return switch (p.getPrimitiveTypeName()) {
            case BINARY -> {
                assertThat(logical).isEqualTo(LogicalTypeAnnotation.stringType());
                yield "varchar";
            }
            case INT32 -> "integer";
            case DOUBLE -> "double";
            case INT64 -> logical instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation ts
                    ? "timestamp(" + switch (ts.getUnit()) { case MILLIS -> 3; case MICROS -> 6; case NANOS -> 9; } + ")"
                    : "bigint";
            default -> throw new AssertionError("no Trino type for " + field);
        };
    }
}

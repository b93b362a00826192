package io.gravix.bench.compare;

import io.gravix.api.json.EventJsonWriter;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Writes {@code bench/compare.sh}'s shared dataset as NDJSON in its send order (5 % of the
 * requests twice), exactly the events {@code RollupThroughput --seed} puts in the spool: the
 * input of the DuckDB side of the rollup comparison.
 *
 * <p>{@code java -cp bench/target/benchmarks.jar io.gravix.bench.compare.DatasetFiles SEED BASE_MILLIS EVENTS OUT.ndjson}
 */
public final class DatasetFiles {
    public static void main(String[] args) throws Exception {
        long seed = Long.parseLong(args[0]);
        long base = Long.parseLong(args[1]);
        int events = Integer.parseInt(args[2]);
        Path out = Path.of(args[3]);
        CompareDataset dataset = new CompareDataset("roll", seed, base, events);
        long requests = CompareDataset.positions((events + 499) / 500);
        long lines = 0;
        try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(out), 1 << 20)) {
            for (long p = 0; p < requests; p++) {
                long request = CompareDataset.sentOrder(p);
                int count = (int) Math.min(500, events - request * 500);
                o.write(EventJsonWriter.requestFactsNdjson(Arrays.asList(dataset.facts(request * 500, count))));
                lines += count;
            }
        }
        System.out.printf("RESULT lines=%d bytes=%d%n", lines, Files.size(out));
    }
}

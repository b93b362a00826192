package io.gravix.rollup;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The seen-id index's footprint and speed at a size: commits {@code ids} ids (26-character,
 * like ULIDs) in runs of {@code perRun}, as a rebuild at start does, then prints the heap
 * after a full GC, the disk its segments take, the build rate and the lookup rate (half
 * hits, half misses; a hit on a run beyond the exact-id cache is answered "not kept" here,
 * where the rollup would read SQLite — so this is the fingerprint path's rate). With {@code heap} as the second
 * argument the fingerprints stay in memory, as before segments existed.
 *
 * <p>{@code java -Xmx512m -cp bench/target/benchmarks.jar io.gravix.rollup.SeenIdsFootprint
 * 14000000 [segments|heap] [perRun] [seenIdMemoryMiB]}
 */
public final class SeenIdsFootprint {
    private SeenIdsFootprint() {}

    public static void main(String[] args) throws IOException {
        int total = Integer.parseInt(args.length > 0 ? args[0] : "14000000");
        boolean segments = args.length <= 1 || !args[1].equals("heap");
        int perRun = Integer.parseInt(args.length > 2 ? args[2] : "350000");
        long budget = Long.parseLong(args.length > 3 ? args[3] : "32") << 20;
        Path dir = Files.createTempDirectory("gravix-seen-ids");
        SeenIds seen = new SeenIds(Duration.ofDays(7), SeenIds.DEFAULT_CACHE_BYTES,
                segments ? new SeenIds.Spill(dir, budget) : null, run -> Optional.empty());
        long addNanos = 0;
        long now = System.currentTimeMillis();
        for (int first = 0, run = 1; first < total; first += perRun, run++) {
            String[] ids = new String[Math.min(perRun, total - first)];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = id(first + i);
            }
            Arrays.sort(ids);
            PackedIds packed = PackedIds.of(ids);
            long t = System.nanoTime();
            seen.add(run, now + run, packed);
            addNanos += System.nanoTime() - t;
        }
        double buildSeconds = addNanos / 1e9;
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();

        SplittableRandom random = new SplittableRandom(3);
        int lookups = 200_000;
        String[] probes = new String[lookups];
        for (int i = 0; i < lookups; i++) {
            probes[i] = i % 2 == 0 ? id(random.nextInt(total)) : id(total + random.nextInt(total));
        }
        long hits = 0;
        long started = System.nanoTime();
        for (String probe : probes) {
            hits += seen.contains(probe) ? 1 : 0;
        }
        double lookupSeconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("seen_ids=%d mode=%s runs_of=%d heap_after_gc_mib=%.1f index_heap_mib=%.1f disk_mib=%.1f segments=%d"
                        + " build_ids_per_s=%.0f lookups_per_s=%.0f hits=%d%n",
                seen.size(), segments ? "segments" : "heap", perRun, heap / 1048576.0, seen.memoryBytes() / 1048576.0,
                seen.diskBytes() / 1048576.0, seen.segments(), total / buildSeconds, lookups / lookupSeconds, hits);
        seen.close();
        Files.delete(dir);
    }

    private static String id(int n) {
        return String.format("01JC%022d", n);
    }
}

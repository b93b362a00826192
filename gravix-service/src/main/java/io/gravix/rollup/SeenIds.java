package io.gravix.rollup;

import static java.util.Objects.requireNonNull;

import io.gravix.rollup.columns.CommittedIds;
import io.gravix.rollup.columns.Slices;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.LongFunction;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

/**
 * The seen-id index of one table: has an event id been kept by a committed run within
 * the dedupe window?
 *
 * <p>The truth is in SQLite: one sorted, compressed id list per committed run
 * ({@link EventIdList}), written in the run's commit transaction and pruned there once
 * older than the window. SQLite cannot serve a million random-key lookups and inserts a
 * second (measured: 4–6 s per million text keys once the table holds ten million), so
 * this class keeps 64-bit fingerprints of the ids and consults SQLite only on a
 * fingerprint hit, to compare the exact id — a collision of two different ids can
 * therefore never drop an event.
 *
 * <p>Fingerprints are grouped by the commit time of their run into epochs of an eighth of
 * the window; an epoch is forgotten as a whole once all its runs are past the window.
 * Until then a pruned run's fingerprints may still hit, and the exact check (which no
 * longer finds the run's list) answers "not seen" — the same answer SQLite gives, which
 * keeps re-executing a run deterministic.
 *
 * <p>New fingerprints go to a hash map per epoch (18–36 bytes per id). With a {@link Spill},
 * once those maps take more than its heap budget they are written out as sorted
 * {@link FingerprintSegment}s on the data disk (16 bytes per id, read through the page
 * cache), so the heap no longer grows with the window; an epoch's segments are merged
 * four of a size into one, so a lookup probes a few segments per epoch.
 */
final class SeenIds implements CommittedIds {
    /** The default byte budget of the exact-id cache. */
    static final long DEFAULT_CACHE_BYTES = 32L * 1024 * 1024;

    private final long epochMillis;
    private final long cacheBudgetBytes;
    private final BytesFingerprint bytesFingerprints;
    private final LongFunction<Optional<StoredRun>> exactIdsOfRun;
    private final Spill spill;
    private long segmentsWritten;

    /**
     * Where and beyond how much heap the fingerprint maps are written out.
     *
     * @param directory this index's own directory: emptied when the index is built
     * @param memoryBytes heap the maps may take before they are written out
     */
    record Spill(Path directory, long memoryBytes) {}

    /** Segments of an epoch are merged this many of a size into one. */
    static final int MERGE_FANOUT = 4;

    /** The fingerprint of an id still in spool bytes; the same as of the id as a {@code String}. */
    interface BytesFingerprint {
        long of(byte[] buf, int off, int len);
    }

    /** A committed run's kept ids as the durable index holds them. */
    record StoredRun(long committedAtMillis, String[] sortedIds) {}
    private final TreeMap<Long, Epoch> epochs = new TreeMap<>();
    /**
     * Exact ids of recently used runs, least recently used first, at most
     * {@code cacheBudgetBytes} of them ({@link PackedIds#bytes()}); a run's entry must go
     * when the run is pruned (see {@link #prune}).
     */
    private final LinkedHashMap<Long, CachedRun> exactCache = new LinkedHashMap<>(64, 0.75f, true);
    private long cacheBytes;

    private record CachedRun(long committedAtMillis, PackedIds ids) {}

    /**
     * @param window how long a kept id is remembered (at least)
     * @param exactIdsOfRun the sorted kept ids of a run from the durable index; empty once pruned
     */
    SeenIds(Duration window, LongFunction<Optional<StoredRun>> exactIdsOfRun) {
        this(window, DEFAULT_CACHE_BYTES, null, exactIdsOfRun);
    }

    /** @param cacheBudgetBytes the most heap the cache of exact ids may take */
    SeenIds(Duration window, long cacheBudgetBytes, LongFunction<Optional<StoredRun>> exactIdsOfRun) {
        this(window, cacheBudgetBytes, null, exactIdsOfRun);
    }

    /** @param spill where fingerprints go beyond a heap budget; null keeps them all in memory */
    SeenIds(Duration window, long cacheBudgetBytes, Spill spill, LongFunction<Optional<StoredRun>> exactIdsOfRun) {
        this(window, cacheBudgetBytes, spill, Slices::fingerprint, exactIdsOfRun);
    }

    /** With another fingerprint function: tests use a colliding one. */
    SeenIds(Duration window, ToLongFunction<String> fingerprints, LongFunction<Optional<StoredRun>> exactIdsOfRun) {
        this(window, null, fingerprints, exactIdsOfRun);
    }

    /** With another fingerprint function and a spill. */
    SeenIds(Duration window, Spill spill, ToLongFunction<String> fingerprints, LongFunction<Optional<StoredRun>> exactIdsOfRun) {
        this(window, DEFAULT_CACHE_BYTES, spill, stringFingerprints(requireNonNull(fingerprints, "fingerprints is null")), exactIdsOfRun);
    }

    private static BytesFingerprint stringFingerprints(ToLongFunction<String> fingerprints) {
        return (buf, off, len) -> fingerprints.applyAsLong(new String(buf, off, len, StandardCharsets.UTF_8));
    }

    private SeenIds(Duration window, long cacheBudgetBytes, Spill spill, BytesFingerprint bytesFingerprints,
                    LongFunction<Optional<StoredRun>> exactIdsOfRun) {
        this.bytesFingerprints = requireNonNull(bytesFingerprints, "bytesFingerprints is null");
        this.cacheBudgetBytes = cacheBudgetBytes;
        this.epochMillis = Math.max(1, window.toMillis() / 8);
        this.exactIdsOfRun = requireNonNull(exactIdsOfRun, "exactIdsOfRun is null");
        this.spill = spill;
        if (spill != null) {
            emptyDirectory(spill.directory());
        }
    }

    /** Whether a committed run kept {@code id}. */
    boolean contains(String id) {
        byte[] utf8 = id.getBytes(StandardCharsets.UTF_8);
        return contains(utf8, 0, utf8.length);
    }

    /** Whether a committed run kept the id whose UTF-8 bytes are {@code buf[off, off+len)}. */
    boolean contains(byte[] buf, int off, int len) {
        return contains(fingerprint(buf, off, len), buf, off, len);
    }

    /** The fingerprint this index files the id under. */
    @Override
    public long fingerprint(byte[] buf, int off, int len) {
        return bytesFingerprints.of(buf, off, len);
    }

    /** As {@link #contains(byte[], int, int)}, with the id's {@link #fingerprint} already known. */
    @Override
    public boolean contains(long fingerprint, byte[] buf, int off, int len) {
        long key = FingerprintMap.key(fingerprint);
        for (Epoch epoch : epochs.values()) {
            if (recentRunKept(epoch, key, buf, off, len) || segmentRunKept(epoch, key, buf, off, len)) {
                return true;
            }
        }
        return false;
    }

    private boolean recentRunKept(Epoch epoch, long key, byte[] buf, int off, int len) {
        int slot = epoch.recent.get(key);
        if (slot == FingerprintMap.ABSENT) {
            return false;
        }
        if (runKept(epoch.runIds.get(slot), buf, off, len)) {
            return true;
        }
        for (int other : epoch.collisions.getOrDefault(key, List.of())) {
            if (runKept(epoch.runIds.get(other), buf, off, len)) {
                return true;
            }
        }
        return false;
    }

    private boolean segmentRunKept(Epoch epoch, long key, byte[] buf, int off, int len) {
        for (FingerprintSegment segment : epoch.segments) {
            int first = segment.first(key);
            for (int i = first; i >= 0 && i < segment.size() && segment.key(i) == key; i++) {
                if (runKept(segment.runId(i), buf, off, len)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Remembers the ids a run kept, once its commit is durable. */
    void add(long runId, long committedAtMillis, String[] sortedIds) {
        add(runId, committedAtMillis, PackedIds.of(sortedIds));
    }

    /**
     * As {@link #add(long, long, String[])}, with the ids already packed.
     *
     * @throws UncheckedIOException when fingerprints could not be written out; the index
     *     then misses ids and must be rebuilt
     */
    void add(long runId, long committedAtMillis, PackedIds ids) {
        byte[] data = ids.data();
        long[] fingerprints = new long[ids.size()];
        for (int i = 0; i < ids.size(); i++) {
            fingerprints[i] = bytesFingerprints.of(data, ids.start(i), ids.start(i + 1) - ids.start(i));
        }
        add(runId, committedAtMillis, ids, fingerprints);
    }

    /**
     * As {@link #add(long, long, PackedIds)}, with the ids' {@link #fingerprint}s known:
     * {@code fingerprints[0, ids.size())}, in any order — in the order of their top bits the
     * inserts stay within one shard of the maps at a time.
     */
    void add(long runId, long committedAtMillis, PackedIds ids, long[] fingerprints) {
        long number = Math.floorDiv(committedAtMillis, epochMillis);
        Epoch epoch = epochs.computeIfAbsent(number, Epoch::new);
        int slot = epoch.runIds.size();
        epoch.runIds.add(runId);
        for (int i = 0; i < ids.size(); i++) {
            long key = FingerprintMap.key(fingerprints[i]);
            if (epoch.recent.putIfAbsent(key, slot) != slot) {
                // Another id with the same fingerprint is already in this epoch: keep both runs.
                epoch.collisions.computeIfAbsent(key, f -> new ArrayList<>(1)).add(slot);
            }
        }
        cache(runId, new CachedRun(committedAtMillis, ids));
        if (spill != null && recentMemoryBytes() > spill.memoryBytes()) {
            writeOutRecentFingerprints();
        }
    }

    /** Writes every epoch's map out as a segment and merges segments of a size. */
    private void writeOutRecentFingerprints() {
        try {
            for (Epoch epoch : epochs.values()) {
                if (epoch.recentEntries() > 0) {
                    epoch.segments.add(writeSegment(epoch));
                    epoch.clearRecent();
                    mergeSegmentsOfASize(epoch);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write seen-id fingerprints to " + spill.directory(), e);
        }
    }

    private FingerprintSegment writeSegment(Epoch epoch) throws IOException {
        return FingerprintSegment.write(nextSegmentFile(epoch), epoch.recentEntries(), sink ->
                epoch.recent.forEachInOrder((key, slot) -> {
                    sink.accept(key, epoch.runIds.get(slot));
                    for (int other : epoch.collisions.getOrDefault(key, List.of())) {
                        sink.accept(key, epoch.runIds.get(other));
                    }
                }));
    }

    /**
     * While the newest {@link #MERGE_FANOUT} segments of the epoch are of a size (within
     * that factor), merges them into one: each id is rewritten about log4(epoch / map)
     * times, and an epoch has at most three segments of each size.
     */
    private void mergeSegmentsOfASize(Epoch epoch) throws IOException {
        List<FingerprintSegment> segments = epoch.segments;
        while (segments.size() >= MERGE_FANOUT) {
            List<FingerprintSegment> newest = segments.subList(segments.size() - MERGE_FANOUT, segments.size());
            long smallest = Long.MAX_VALUE;
            long largest = 0;
            long total = 0;
            for (FingerprintSegment segment : newest) {
                smallest = Math.min(smallest, segment.size());
                largest = Math.max(largest, segment.size());
                total += segment.size();
            }
            if (largest >= MERGE_FANOUT * smallest || total > FingerprintSegment.MAX_ENTRIES) {
                return;
            }
            FingerprintSegment merged = FingerprintSegment.merge(nextSegmentFile(epoch), List.copyOf(newest));
            newest.forEach(FingerprintSegment::delete);
            newest.clear();
            segments.add(merged);
        }
    }

    private Path nextSegmentFile(Epoch epoch) {
        return spill.directory().resolve("epoch-" + epoch.number + "-" + ++segmentsWritten + SEGMENT_SUFFIX);
    }

    private static final String SEGMENT_SUFFIX = ".seg";

    /** Deletes segments a previous index (or process) left; creates the directory if need be. */
    private static void emptyDirectory(Path directory) {
        try {
            Files.createDirectories(directory);
            try (Stream<Path> files = Files.list(directory)) {
                for (Path file : files.filter(f -> f.getFileName().toString().endsWith(SEGMENT_SUFFIX)).toList()) {
                    Files.delete(file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the seen-id directory " + directory, e);
        }
    }

    /** Unmaps and deletes this index's segments; it must not be used after. */
    void close() {
        for (Epoch epoch : epochs.values()) {
            epoch.segments.forEach(FingerprintSegment::delete);
        }
        epochs.clear();
    }

    /**
     * Follows a prune of the durable index (runs committed before {@code cutoffMillis}):
     * their cached exact ids go at once — answering from them would disagree with SQLite,
     * and so with a re-execution after a restart — and epochs whose runs are all older go
     * as a whole.
     */
    void prune(long cutoffMillis) {
        for (Iterator<CachedRun> it = exactCache.values().iterator(); it.hasNext(); ) {
            CachedRun run = it.next();
            if (run.committedAtMillis() < cutoffMillis) {
                cacheBytes -= run.ids().bytes();
                it.remove();
            }
        }
        for (Iterator<Map.Entry<Long, Epoch>> it = epochs.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Epoch> e = it.next();
            if ((e.getKey() + 1) * epochMillis <= cutoffMillis) {
                e.getValue().segments.forEach(FingerprintSegment::delete);
                it.remove();
            }
        }
    }

    /** Fingerprints held, in memory and in segments. */
    long size() {
        long recent = epochs.values().stream().mapToLong(Epoch::recentEntries).sum();
        return recent + allSegments().mapToLong(FingerprintSegment::size).sum();
    }

    /** Heap held by fingerprints (maps and segment directories) and by the exact-id cache, in bytes. */
    long memoryBytes() {
        return cacheBytes + recentMemoryBytes() + allSegments().mapToLong(FingerprintSegment::memoryBytes).sum();
    }

    /** Disk held by segments, in bytes. */
    long diskBytes() {
        return allSegments().mapToLong(FingerprintSegment::diskBytes).sum();
    }

    /** Segments held, over all epochs. */
    int segments() {
        return (int) allSegments().count();
    }

    private Stream<FingerprintSegment> allSegments() {
        return epochs.values().stream().flatMap(e -> e.segments.stream());
    }

    private long recentMemoryBytes() {
        long n = 0;
        for (Epoch e : epochs.values()) {
            n += e.recent.memoryBytes() + 8L * e.runIds.size();
        }
        return n;
    }

    /** Heap held by the exact-id cache, at most its budget. */
    long cacheBytes() {
        return cacheBytes;
    }

    /**
     * Synchronized: a run's dedupe looks ids up from two threads at once, and this, on a
     * fingerprint hit only, reads SQLite and updates the cache. (Nothing adds or prunes
     * while a run is deduped: both happen on the rollup thread, between runs.)
     */
    private synchronized boolean runKept(long runId, byte[] buf, int off, int len) {
        CachedRun run = exactCache.get(runId);
        if (run == null) {
            Optional<StoredRun> stored = exactIdsOfRun.apply(runId);
            if (stored.isEmpty()) {
                return false;
            }
            run = new CachedRun(stored.get().committedAtMillis(), PackedIds.of(stored.get().sortedIds()));
            cache(runId, run);
        }
        return run.ids().contains(buf, off, len);
    }

    /** Caches a run's exact ids, evicting the least recently used runs to stay within the budget. */
    private synchronized void cache(long runId, CachedRun run) {
        CachedRun previous = exactCache.put(runId, run);
        cacheBytes += run.ids().bytes() - (previous == null ? 0 : previous.ids().bytes());
        for (Iterator<CachedRun> it = exactCache.values().iterator(); cacheBytes > cacheBudgetBytes && it.hasNext(); ) {
            cacheBytes -= it.next().ids().bytes();
            it.remove();
        }
    }

    /** The fingerprints of the runs committed in one eighth of the window. */
    private static final class Epoch {
        final long number;
        /** Fingerprints not yet written out, to a slot in {@link #runIds}. */
        FingerprintMap recent = new FingerprintMap();
        final List<Long> runIds = new ArrayList<>();
        /** Further slots of keys {@link #recent} holds for more than one run. */
        final Map<Long, List<Integer>> collisions = new HashMap<>();
        final List<FingerprintSegment> segments = new ArrayList<>();

        Epoch(long number) {
            this.number = number;
        }

        int recentEntries() {
            int n = recent.size();
            for (List<Integer> others : collisions.values()) {
                n += others.size();
            }
            return n;
        }

        void clearRecent() {
            recent = new FingerprintMap();
            runIds.clear();
            collisions.clear();
        }
    }
}

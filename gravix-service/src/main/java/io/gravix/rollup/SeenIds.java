package io.gravix.rollup;

import static java.util.Objects.requireNonNull;

import io.gravix.rollup.columns.Slices;
import java.nio.charset.StandardCharsets;
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

/**
 * The seen-id index of one table in memory: has an event id been kept by a committed run
 * within the dedupe window?
 *
 * <p>The truth is in SQLite: one sorted, compressed id list per committed run
 * ({@link EventIdList}), written in the run's commit transaction and pruned there once
 * older than the window. SQLite cannot serve a million random-key lookups and inserts a
 * second (measured: 4–6 s per million text keys once the table holds ten million), so
 * this class keeps 64-bit fingerprints of the ids in memory (about 12–24 bytes per id)
 * and consults SQLite only on a fingerprint hit, to compare the exact id — a collision
 * of two different ids can therefore never drop an event.
 *
 * <p>Fingerprints are grouped by the commit time of their run into epochs of an eighth of
 * the window; an epoch is forgotten as a whole once all its runs are past the window.
 * Until then a pruned run's fingerprints may still hit, and the exact check (which no
 * longer finds the run's list) answers "not seen" — the same answer SQLite gives, which
 * keeps re-executing a run deterministic.
 */
final class SeenIds {
    /** The default byte budget of the exact-id cache. */
    static final long DEFAULT_CACHE_BYTES = 32L * 1024 * 1024;

    private final long epochMillis;
    private final long cacheBudgetBytes;
    private final ToLongFunction<String> fingerprints;
    private final BytesFingerprint bytesFingerprints;
    private final LongFunction<Optional<StoredRun>> exactIdsOfRun;

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
        this(window, DEFAULT_CACHE_BYTES, FingerprintMap::fingerprint, Slices::fingerprint, exactIdsOfRun);
    }

    /** @param cacheBudgetBytes the most heap the cache of exact ids may take */
    SeenIds(Duration window, long cacheBudgetBytes, LongFunction<Optional<StoredRun>> exactIdsOfRun) {
        this(window, cacheBudgetBytes, FingerprintMap::fingerprint, Slices::fingerprint, exactIdsOfRun);
    }

    /** With another fingerprint function: tests use a colliding one. */
    SeenIds(Duration window, ToLongFunction<String> fingerprints, LongFunction<Optional<StoredRun>> exactIdsOfRun) {
        this(window, DEFAULT_CACHE_BYTES, fingerprints,
                (buf, off, len) -> fingerprints.applyAsLong(new String(buf, off, len, StandardCharsets.UTF_8)), exactIdsOfRun);
    }

    private SeenIds(Duration window, long cacheBudgetBytes, ToLongFunction<String> fingerprints, BytesFingerprint bytesFingerprints,
                    LongFunction<Optional<StoredRun>> exactIdsOfRun) {
        this.bytesFingerprints = bytesFingerprints;
        this.cacheBudgetBytes = cacheBudgetBytes;
        this.epochMillis = Math.max(1, window.toMillis() / 8);
        this.fingerprints = requireNonNull(fingerprints, "fingerprints is null");
        this.exactIdsOfRun = requireNonNull(exactIdsOfRun, "exactIdsOfRun is null");
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
    long fingerprint(byte[] buf, int off, int len) {
        return bytesFingerprints.of(buf, off, len);
    }

    /** As {@link #contains(byte[], int, int)}, with the id's {@link #fingerprint} already known. */
    boolean contains(long fingerprint, byte[] buf, int off, int len) {
        for (Epoch epoch : epochs.values()) {
            int slot = epoch.fingerprints.get(fingerprint);
            if (slot != FingerprintMap.ABSENT) {
                if (runKept(epoch.runIds.get(slot), buf, off, len)) {
                    return true;
                }
                for (long runId : epoch.collisions.getOrDefault(fingerprint, List.of())) {
                    if (runKept(runId, buf, off, len)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Remembers the ids a run kept, once its commit is durable. */
    void add(long runId, long committedAtMillis, String[] sortedIds) {
        add(runId, committedAtMillis, PackedIds.of(sortedIds));
    }

    /** As {@link #add(long, long, String[])}, with the ids already packed. */
    void add(long runId, long committedAtMillis, PackedIds ids) {
        Epoch epoch = epochs.computeIfAbsent(Math.floorDiv(committedAtMillis, epochMillis), e -> new Epoch());
        int slot = epoch.runIds.size();
        epoch.runIds.add(runId);
        byte[] data = ids.data();
        for (int i = 0; i < ids.size(); i++) {
            long fingerprint = bytesFingerprints.of(data, ids.start(i), ids.start(i + 1) - ids.start(i));
            if (epoch.fingerprints.putIfAbsent(fingerprint, slot) != slot) {
                // Another id with the same fingerprint is already in this epoch: keep both runs.
                epoch.collisions.computeIfAbsent(fingerprint, f -> new ArrayList<>(1)).add(runId);
            }
        }
        cache(runId, new CachedRun(committedAtMillis, ids));
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
                it.remove();
            }
        }
    }

    /** Fingerprints held in memory. */
    long size() {
        long n = 0;
        for (Epoch e : epochs.values()) {
            n += e.fingerprints.size();
        }
        return n;
    }

    /** Heap held by fingerprints (their arrays) and by the exact-id cache, in bytes. */
    long memoryBytes() {
        long n = cacheBytes;
        for (Epoch e : epochs.values()) {
            n += e.fingerprints.memoryBytes() + 8L * e.runIds.size();
        }
        return n;
    }

    /** Heap held by the exact-id cache, at most its budget. */
    long cacheBytes() {
        return cacheBytes;
    }

    private boolean runKept(long runId, byte[] buf, int off, int len) {
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
    private void cache(long runId, CachedRun run) {
        CachedRun previous = exactCache.put(runId, run);
        cacheBytes += run.ids().bytes() - (previous == null ? 0 : previous.ids().bytes());
        for (Iterator<CachedRun> it = exactCache.values().iterator(); cacheBytes > cacheBudgetBytes && it.hasNext(); ) {
            cacheBytes -= it.next().ids().bytes();
            it.remove();
        }
    }

    private static final class Epoch {
        final FingerprintMap fingerprints = new FingerprintMap();
        final List<Long> runIds = new ArrayList<>();
        final Map<Long, List<Long>> collisions = new HashMap<>();
    }
}

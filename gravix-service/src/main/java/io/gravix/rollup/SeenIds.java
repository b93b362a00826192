package io.gravix.rollup;

import static java.util.Objects.requireNonNull;

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
    private static final int EXACT_CACHE_RUNS = 32;

    private final long epochMillis;
    private final ToLongFunction<String> fingerprints;
    private final LongFunction<Optional<StoredRun>> exactIdsOfRun;

    /** A committed run's kept ids as the durable index holds them. */
    record StoredRun(long committedAtMillis, String[] sortedIds) {}
    private final TreeMap<Long, Epoch> epochs = new TreeMap<>();
    /** Exact ids of recently used runs; a run's entry must go when the run is pruned (see {@link #prune}). */
    private final Map<Long, CachedRun> exactCache = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, CachedRun> eldest) {
            return size() > EXACT_CACHE_RUNS;
        }
    };

    private record CachedRun(long committedAtMillis, String[] sortedIds) {}

    /**
     * @param window how long a kept id is remembered (at least)
     * @param exactIdsOfRun the sorted kept ids of a run from the durable index; empty once pruned
     */
    SeenIds(Duration window, LongFunction<Optional<StoredRun>> exactIdsOfRun) {
        this(window, FingerprintMap::fingerprint, exactIdsOfRun);
    }

    /** With another fingerprint function: tests use a colliding one. */
    SeenIds(Duration window, ToLongFunction<String> fingerprints, LongFunction<Optional<StoredRun>> exactIdsOfRun) {
        this.epochMillis = Math.max(1, window.toMillis() / 8);
        this.fingerprints = requireNonNull(fingerprints, "fingerprints is null");
        this.exactIdsOfRun = requireNonNull(exactIdsOfRun, "exactIdsOfRun is null");
    }

    /** Whether a committed run kept {@code id}. */
    boolean contains(String id) {
        long fingerprint = fingerprints.applyAsLong(id);
        for (Epoch epoch : epochs.values()) {
            int slot = epoch.fingerprints.get(fingerprint);
            if (slot != FingerprintMap.ABSENT) {
                if (runKept(epoch.runIds.get(slot), id)) {
                    return true;
                }
                for (long runId : epoch.collisions.getOrDefault(fingerprint, List.of())) {
                    if (runKept(runId, id)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Remembers the ids a run kept, once its commit is durable. */
    void add(long runId, long committedAtMillis, String[] sortedIds) {
        Epoch epoch = epochs.computeIfAbsent(Math.floorDiv(committedAtMillis, epochMillis), e -> new Epoch());
        int slot = epoch.runIds.size();
        epoch.runIds.add(runId);
        for (String id : sortedIds) {
            long fingerprint = fingerprints.applyAsLong(id);
            if (epoch.fingerprints.putIfAbsent(fingerprint, slot) != slot) {
                // Another id with the same fingerprint is already in this epoch: keep both runs.
                epoch.collisions.computeIfAbsent(fingerprint, f -> new ArrayList<>(1)).add(runId);
            }
        }
        exactCache.put(runId, new CachedRun(committedAtMillis, sortedIds));
    }

    /**
     * Follows a prune of the durable index (runs committed before {@code cutoffMillis}):
     * their cached exact ids go at once — answering from them would disagree with SQLite,
     * and so with a re-execution after a restart — and epochs whose runs are all older go
     * as a whole.
     */
    void prune(long cutoffMillis) {
        exactCache.values().removeIf(run -> run.committedAtMillis() < cutoffMillis);
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

    private boolean runKept(long runId, String id) {
        CachedRun run = exactCache.get(runId);
        if (run == null) {
            Optional<StoredRun> stored = exactIdsOfRun.apply(runId);
            if (stored.isEmpty()) {
                return false;
            }
            run = new CachedRun(stored.get().committedAtMillis(), stored.get().sortedIds());
            exactCache.put(runId, run);
        }
        return Arrays.binarySearch(run.sortedIds(), id) >= 0;
    }

    private static final class Epoch {
        final FingerprintMap fingerprints = new FingerprintMap();
        final List<Long> runIds = new ArrayList<>();
        final Map<Long, List<Long>> collisions = new HashMap<>();
    }
}

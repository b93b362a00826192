package io.gravix.index;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * The rollup's bookkeeping in the batch index database, on the index's connection and
 * under its lock, so that committing a run — its outcome, its batches and its event ids —
 * is one SQLite transaction.
 *
 * <p>Life of a run: {@link #planRun} records it (state PLANNED) together with the sealed
 * batches it takes; {@link #commitRun} marks it COMMITTED, its batches ROLLED_UP and stores
 * its ids. Until then the plan is the only trace of it, and a crash at any point leaves a
 * PLANNED run that {@link #pendingRun} hands back for re-execution.
 */
public final class RollupLedger {
    private final Object lock;
    private final Handle handle;

    RollupLedger(Object lock, Handle handle) {
        this.lock = lock;
        this.handle = handle;
    }

    /** The oldest PLANNED (started, not committed) run of {@code table}, if any. */
    public Optional<PlannedRun> pendingRun(String table) {
        synchronized (lock) {
            return handle.createQuery("SELECT * FROM rollup_runs WHERE state = 'PLANNED' AND table_name = :t ORDER BY id LIMIT 1")
                    .bind("t", table)
                    .map((rs, ctx) -> new PlannedRun(rs.getLong("id"), rs.getString("table_name"),
                            rs.getLong("planned_at_ms"), rs.getInt("max_rows_per_file"), rs.getInt("split_files")))
                    .findOne();
        }
    }

    /**
     * Plans a run over the oldest sealed, unplanned batches of {@code table}: as many as
     * fit in {@code maxBytes} of spool, but at least one. Empty when there is nothing to do.
     */
    public Optional<PlannedRun> planRun(String table, long maxBytes, int maxRowsPerFile, int splitFiles, long nowMillis) {
        return planRun(table, Long.MAX_VALUE, maxBytes, maxRowsPerFile, splitFiles, nowMillis);
    }

    /** As {@link #planRun(String, long, int, int, long)}, taking only batches with ids up to {@code maxBatchId}. */
    public Optional<PlannedRun> planRun(String table, long maxBatchId, long maxBytes, int maxRowsPerFile, int splitFiles,
                                        long nowMillis) {
        synchronized (lock) {
            return handle.inTransaction(h -> {
                List<BatchRecord> candidates = h.createQuery("SELECT * FROM batches WHERE state = 'SEALED' AND run_id IS NULL"
                                + " AND table_name = :t AND id <= :max ORDER BY id")
                        .bind("t", table)
                        .bind("max", maxBatchId)
                        .map((rs, ctx) -> BatchIndex.toBatchRecord(rs))
                        .list();
                if (candidates.isEmpty()) {
                    return Optional.<PlannedRun>empty();
                }
                long runId = h.createUpdate("INSERT INTO rollup_runs(table_name, state, planned_at_ms, max_rows_per_file, split_files)"
                                + " VALUES (:t, 'PLANNED', :now, :rows, :split)")
                        .bind("t", table)
                        .bind("now", nowMillis)
                        .bind("rows", maxRowsPerFile)
                        .bind("split", splitFiles)
                        .executeAndReturnGeneratedKeys("id")
                        .mapTo(Long.class)
                        .one();
                long bytes = 0;
                for (BatchRecord b : candidates) {
                    if (bytes > 0 && bytes + b.bytes() > maxBytes) {
                        break;
                    }
                    bytes += b.bytes();
                    h.createUpdate("UPDATE batches SET run_id = :r WHERE id = :id").bind("r", runId).bind("id", b.id()).execute();
                }
                return Optional.of(new PlannedRun(runId, table, nowMillis, maxRowsPerFile, splitFiles));
            });
        }
    }

    /** The batches of a run still to be read, oldest first (dead-lettered ones have left it). */
    public List<BatchRecord> batchesOf(long runId) {
        synchronized (lock) {
            return handle.createQuery("SELECT * FROM batches WHERE run_id = :r AND state = 'SEALED' ORDER BY id")
                    .bind("r", runId)
                    .map((rs, ctx) -> BatchIndex.toBatchRecord(rs))
                    .list();
        }
    }

    /**
     * Shrinks a planned run that cannot be executed as it is (it ran out of heap): its
     * newest half of batches (at least one batch stays) go back to waiting for a later
     * run. Safe at any time before the commit: the lake keys of earlier attempts are
     * recorded ({@link #recordKeys}) and the final attempt deletes those it did not write.
     *
     * @return the number of batches released
     */
    public int releaseNewestHalf(long runId) {
        synchronized (lock) {
            return handle.inTransaction(h -> {
                List<Long> batches = h.createQuery("SELECT id FROM batches WHERE run_id = :r AND state = 'SEALED' ORDER BY id")
                        .bind("r", runId).mapTo(Long.class).list();
                List<Long> released = batches.subList(batches.size() - batches.size() / 2, batches.size());
                for (long id : released) {
                    h.createUpdate("UPDATE batches SET run_id = NULL WHERE id = :id").bind("id", id).execute();
                }
                return released.size();
            });
        }
    }

    /** Takes an unreadable batch out of its run: its file is now in the dead-letter queue. */
    public void deadLetter(long batchId) {
        synchronized (lock) {
            handle.createUpdate("UPDATE batches SET state = 'DEAD_LETTERED', run_id = NULL WHERE id = :id")
                    .bind("id", batchId)
                    .execute();
        }
    }

    /**
     * Commits a run in one transaction: the run COMMITTED with its figures, its batches
     * ROLLED_UP, its kept ids stored; and, because the same transaction is the only
     * writer of the seen-id index, the ids of runs committed before
     * {@code pruneCommittedBeforeMillis} are dropped (with their run and batch rows).
     */
    public void commitRun(CommittedRun run, String table, long pruneCommittedBeforeMillis) {
        synchronized (lock) {
            handle.useTransaction(h -> {
                int updated = h.createUpdate("UPDATE rollup_runs SET state = 'COMMITTED', committed_at_ms = :c, batches = :b,"
                                + " events = :e, duplicates = :d, files = :f, bytes = :by WHERE id = :id AND state = 'PLANNED'")
                        .bind("c", run.committedAtMillis())
                        .bind("b", run.batches())
                        .bind("e", run.events())
                        .bind("d", run.duplicates())
                        .bind("f", run.files())
                        .bind("by", run.bytes())
                        .bind("id", run.runId())
                        .execute();
                if (updated != 1) {
                    throw new IllegalStateException("rollup run " + run.runId() + " is not a planned run");
                }
                h.createUpdate("UPDATE batches SET state = 'ROLLED_UP' WHERE run_id = :r AND state = 'SEALED'")
                        .bind("r", run.runId())
                        .execute();
                // The run's keys are final now; the record of attempts is no longer needed.
                h.createUpdate("DELETE FROM run_keys WHERE run_id = :r").bind("r", run.runId()).execute();
                h.createUpdate("INSERT INTO run_ids(run_id, table_name, committed_at_ms, id_count, ids) VALUES (:r, :t, :c, :n, :ids)")
                        .bind("r", run.runId())
                        .bind("t", table)
                        .bind("c", run.committedAtMillis())
                        .bind("n", run.idCount())
                        .bind("ids", run.idsBlob())
                        .execute();
                h.createUpdate("DELETE FROM run_ids WHERE table_name = :t AND committed_at_ms < :cut")
                        .bind("t", table)
                        .bind("cut", pruneCommittedBeforeMillis)
                        .execute();
                h.createUpdate("DELETE FROM batches WHERE state = 'ROLLED_UP' AND table_name = :t AND run_id IN"
                                + " (SELECT id FROM rollup_runs WHERE table_name = :t AND state = 'COMMITTED' AND committed_at_ms < :cut)")
                        .bind("t", table)
                        .bind("cut", pruneCommittedBeforeMillis)
                        .execute();
                h.createUpdate("DELETE FROM rollup_runs WHERE table_name = :t AND state = 'COMMITTED' AND committed_at_ms < :cut")
                        .bind("t", table)
                        .bind("cut", pruneCommittedBeforeMillis)
                        .execute();
            });
        }
    }

    /** Every stored run-id entry of {@code table}, oldest first. */
    public List<RunIds> runIds(String table) {
        List<RunIds> all = new ArrayList<>();
        forEachRunIds(table, all::add);
        return all;
    }

    /**
     * Passes every stored run-id entry of {@code table} to {@code consumer}, oldest first,
     * one row at a time: what the seen-id index is built from (a week of ids is too much
     * to hold as one list).
     */
    public void forEachRunIds(String table, Consumer<RunIds> consumer) {
        synchronized (lock) {
            handle.createQuery("SELECT run_id, committed_at_ms, ids FROM run_ids WHERE table_name = :t ORDER BY run_id")
                    .bind("t", table)
                    .map((rs, ctx) -> new RunIds(rs.getLong(1), rs.getLong(2), rs.getBytes(3)))
                    .forEach(consumer);
        }
    }

    /** The stored id entry of one run, empty once pruned (or never committed). */
    public Optional<RunIds> runIds(long runId) {
        synchronized (lock) {
            return handle.createQuery("SELECT run_id, committed_at_ms, ids FROM run_ids WHERE run_id = :r")
                    .bind("r", runId)
                    .map((rs, ctx) -> new RunIds(rs.getLong(1), rs.getLong(2), rs.getBytes(3)))
                    .findOne();
        }
    }

    /** The highest run id this index ever issued (0 before the first); ids are never reused, also after pruning. */
    public long highestRunId() {
        synchronized (lock) {
            return handle.createQuery("SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = 'rollup_runs'")
                    .mapTo(Long.class).one();
        }
    }

    /**
     * After an operator accepted a lake that is ahead of this index: abandons every planned
     * run (their batches go back to waiting, to be planned again under new ids) and makes
     * the next run id greater than {@code runId}, so no key the lake already holds is
     * written again.
     */
    public void skipRunIdsThrough(long runId) {
        synchronized (lock) {
            handle.useTransaction(h -> {
                h.createUpdate("UPDATE batches SET run_id = NULL WHERE state = 'SEALED' AND run_id IN"
                        + " (SELECT id FROM rollup_runs WHERE state = 'PLANNED')").execute();
                h.createUpdate("DELETE FROM run_keys WHERE run_id IN (SELECT id FROM rollup_runs WHERE state = 'PLANNED')").execute();
                h.createUpdate("DELETE FROM rollup_runs WHERE state = 'PLANNED'").execute();
                // sqlite_sequence has a row for rollup_runs once a run was ever inserted; insert it otherwise.
                int updated = h.createUpdate("UPDATE sqlite_sequence SET seq = :s WHERE name = 'rollup_runs' AND seq < :s")
                        .bind("s", runId).execute();
                boolean present = h.createQuery("SELECT COUNT(*) FROM sqlite_sequence WHERE name = 'rollup_runs'")
                        .mapTo(Integer.class).one() > 0;
                if (updated == 0 && !present) {
                    h.createUpdate("INSERT INTO sqlite_sequence(name, seq) VALUES ('rollup_runs', :s)").bind("s", runId).execute();
                }
            });
        }
    }

    /**
     * Records the keys an attempt of run {@code runId} is about to put (durably, before the
     * first put), adding to those of earlier attempts: the union is what a crash may have
     * left in the lake under this run.
     */
    public void recordKeys(long runId, List<String> keys) {
        synchronized (lock) {
            handle.useTransaction(h -> {
                var batch = h.prepareBatch("INSERT OR IGNORE INTO run_keys(run_id, object_key) VALUES (:r, :k)");
                for (String key : keys) {
                    batch.bind("r", runId).bind("k", key).add();
                }
                if (!keys.isEmpty()) {
                    batch.execute();
                }
            });
        }
    }

    /** Every key any attempt of run {@code runId} recorded, sorted. */
    public List<String> recordedKeys(long runId) {
        synchronized (lock) {
            return handle.createQuery("SELECT object_key FROM run_keys WHERE run_id = :r ORDER BY object_key")
                    .bind("r", runId)
                    .mapTo(String.class)
                    .list();
        }
    }

    /** The highest batch id issued so far (0 before the first). */
    public long highestBatchId() {
        synchronized (lock) {
            return handle.createQuery("SELECT COALESCE(MAX(id), 0) FROM batches").mapTo(Long.class).one();
        }
    }

    /**
     * When the oldest batch of {@code table} still waiting for rollup, outside run
     * {@code runId}, was created; {@code Long.MAX_VALUE} when none waits. Its events may be
     * retries of ids kept long ago, so ids must be remembered for the dedupe window
     * counted from this moment, not from now.
     */
    public long oldestWaitingBatchCreatedAt(String table, long runId) {
        synchronized (lock) {
            return handle.createQuery("SELECT COALESCE(MIN(created_at_ms), :none) FROM batches WHERE table_name = :t"
                            + " AND state IN ('OPEN', 'SEALED') AND (run_id IS NULL OR run_id <> :r)")
                    .bind("none", Long.MAX_VALUE)
                    .bind("t", table)
                    .bind("r", runId)
                    .mapTo(Long.class)
                    .one();
        }
    }

    /** The state of a batch, empty when it has no row (never existed, or pruned). */
    public Optional<BatchState> batchState(long batchId) {
        synchronized (lock) {
            return handle.createQuery("SELECT state FROM batches WHERE id = :id")
                    .bind("id", batchId)
                    .mapTo(String.class)
                    .findOne()
                    .map(BatchState::valueOf);
        }
    }
}

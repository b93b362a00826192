package io.gravix.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RollupLedgerTest {
    private static final String FACTS = "request_facts";
    private static final String EVENTS = "service_events";
    private static final long DAY = 86_400_000L;

    @TempDir
    Path tmp;

    private BatchIndex index;
    private RollupLedger ledger;

    @BeforeEach
    void open() throws Exception {
        index = BatchIndex.open(tmp.resolve("index.db"));
        ledger = index.rollupLedger();
    }

    @AfterEach
    void close() {
        index.close();
    }

    private long sealed(String table, long bytes) {
        long id = index.createOpenBatch(table, 1000);
        index.markSealed(id, table, 1000, 2000, bytes, 1, 10);
        return id;
    }

    private static CommittedRun committed(long runId, long at, byte[] ids) {
        return new CommittedRun(runId, at, 1, 10, 0, 1, 100, ids, 10);
    }

    @Test
    void plansTheOldestSealedBatchesOfItsTableUpToTheByteBound() {
        long a = sealed(FACTS, 600);
        long other = sealed(EVENTS, 10);
        long b = sealed(FACTS, 300);
        long c = sealed(FACTS, 200);
        index.createOpenBatch(FACTS, 1000); // open: never planned

        PlannedRun run = ledger.planRun(FACTS, 1000, 500, 2, 7000).orElseThrow();
        assertThat(run.table()).isEqualTo(FACTS);
        assertThat(run.plannedAtMillis()).isEqualTo(7000);
        assertThat(run.maxRowsPerFile()).isEqualTo(500);
        assertThat(run.splitFiles()).isEqualTo(2);
        assertThat(ledger.batchesOf(run.id())).extracting(BatchRecord::id).containsExactly(a, b); // + c would pass 1000
        assertThat(ledger.pendingRun(FACTS)).contains(run);
        assertThat(ledger.pendingRun(EVENTS)).isEmpty();

        PlannedRun next = ledger.planRun(FACTS, 1000, 500, 2, 8000).orElseThrow();
        assertThat(ledger.batchesOf(next.id())).extracting(BatchRecord::id).containsExactly(c);
        assertThat(ledger.planRun(FACTS, 1000, 500, 2, 9000)).isEmpty();
        assertThat(ledger.batchesOf(ledger.planRun(EVENTS, 1, 500, 2, 9000).orElseThrow().id()))
                .extracting(BatchRecord::id).containsExactly(other);
    }

    @Test
    void aBatchLargerThanTheBoundIsPlannedAlone() {
        long big = sealed(FACTS, 5000);
        sealed(FACTS, 1);
        PlannedRun run = ledger.planRun(FACTS, 1000, 500, 1, 0).orElseThrow();
        assertThat(ledger.batchesOf(run.id())).extracting(BatchRecord::id).containsExactly(big);
    }

    @Test
    void commitMarksTheRunsBatchesRolledUpAndStoresItsIdsInOneStep() {
        long a = sealed(FACTS, 10);
        long dead = sealed(FACTS, 10);
        PlannedRun run = ledger.planRun(FACTS, 1000, 500, 1, 0).orElseThrow();
        ledger.deadLetter(dead);
        assertThat(ledger.batchesOf(run.id())).extracting(BatchRecord::id).containsExactly(a);

        ledger.commitRun(committed(run.id(), 5000, new byte[] {1, 2, 3}), FACTS, 0);
        assertThat(ledger.pendingRun(FACTS)).isEmpty();
        assertThat(ledger.batchState(a)).contains(BatchState.ROLLED_UP);
        assertThat(ledger.batchState(dead)).contains(BatchState.DEAD_LETTERED);
        assertThat(ledger.runIds(run.id())).hasValueSatisfying(r -> {
            assertThat(r.committedAtMillis()).isEqualTo(5000);
            assertThat(r.blob()).containsExactly(1, 2, 3);
        });
        assertThat(ledger.runIds(FACTS)).hasSize(1);
        assertThat(index.sealedBacklog().batches()).isZero();
        // a run commits once
        assertThatThrownBy(() -> ledger.commitRun(committed(run.id(), 6000, new byte[0]), FACTS, 0))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aFailedCommitLeavesTheRunPlannedAndNothingStored() {
        long a = sealed(FACTS, 10);
        PlannedRun run = ledger.planRun(FACTS, 1000, 500, 1, 0).orElseThrow();
        ledger.commitRun(committed(run.id(), 1, new byte[0]), FACTS, 0);
        long b = sealed(FACTS, 10);
        PlannedRun second = ledger.planRun(FACTS, 1000, 500, 1, 0).orElseThrow();
        // the run_ids insert, after the run and batch updates, fails (ids NOT NULL): all of it rolls back
        assertThatThrownBy(() -> ledger.commitRun(committed(second.id(), 2, null), FACTS, 0)).isNotNull();
        assertThat(ledger.pendingRun(FACTS)).contains(second);
        assertThat(ledger.batchState(a)).contains(BatchState.ROLLED_UP);
        assertThat(ledger.batchState(b)).contains(BatchState.SEALED);
    }

    @Test
    void commitPrunesIdsRunsAndBatchesOlderThanTheWindowOfItsTableOnly() {
        long oldBatch = sealed(FACTS, 10);
        PlannedRun old = ledger.planRun(FACTS, 1000, 500, 1, 0).orElseThrow();
        ledger.commitRun(committed(old.id(), DAY, new byte[] {1}), FACTS, 0);
        sealed(EVENTS, 10);
        PlannedRun otherTable = ledger.planRun(EVENTS, 1000, 500, 1, 0).orElseThrow();
        ledger.commitRun(committed(otherTable.id(), DAY, new byte[] {2}), EVENTS, 0);

        long newBatch = sealed(FACTS, 10);
        PlannedRun recent = ledger.planRun(FACTS, 1000, 500, 1, 0).orElseThrow();
        ledger.commitRun(committed(recent.id(), 9 * DAY, new byte[] {3}), FACTS, 2 * DAY); // window: 7 days

        assertThat(ledger.runIds(FACTS)).extracting(RunIds::runId).containsExactly(recent.id());
        assertThat(ledger.runIds(old.id())).isEmpty();
        assertThat(ledger.batchState(oldBatch)).isEmpty();
        assertThat(ledger.batchState(newBatch)).contains(BatchState.ROLLED_UP);
        assertThat(ledger.runIds(EVENTS)).extracting(RunIds::runId).containsExactly(otherTable.id());
    }

    @Test
    void theOldestWaitingBatchBoundsPruningAndPlansStopAtASnapshotOfBatchIds() {
        assertThat(ledger.oldestWaitingBatchCreatedAt(FACTS, 0)).isEqualTo(Long.MAX_VALUE);
        long inRun = index.createOpenBatch(FACTS, 100);
        index.markSealed(inRun, FACTS, 100, 200, 10, 1, 1);
        PlannedRun run = ledger.planRun(FACTS, 1000, 500, 1, 0).orElseThrow();
        long waiting = index.createOpenBatch(FACTS, 300);
        index.markSealed(waiting, FACTS, 300, 400, 10, 1, 1);
        index.createOpenBatch(FACTS, 500); // open: also waits
        index.createOpenBatch(EVENTS, 50); // other table
        assertThat(ledger.oldestWaitingBatchCreatedAt(FACTS, run.id())).isEqualTo(300);

        assertThat(ledger.highestBatchId()).isGreaterThan(waiting);
        assertThat(ledger.planRun(FACTS, waiting - 1, 1000, 500, 1, 0)).isEmpty();
        assertThat(ledger.planRun(FACTS, waiting, 1000, 500, 1, 0)).isPresent();
    }

    @Test
    void thePlanSurvivesAReopen() throws Exception {
        long a = sealed(FACTS, 10);
        PlannedRun run = ledger.planRun(FACTS, 1000, 777, 3, 42).orElseThrow();
        index.close();
        index = BatchIndex.open(tmp.resolve("index.db"));
        ledger = index.rollupLedger();
        assertThat(ledger.pendingRun(FACTS)).contains(run);
        assertThat(ledger.batchesOf(run.id())).extracting(BatchRecord::id).containsExactly(a);
    }
}

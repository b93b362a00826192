package io.gravix.index;

import java.nio.file.Path;
import java.util.Random;

/**
 * A child process for {@link BatchIndexCrashTest}: commits to the index in a loop, as the
 * spool and the rollup do (a batch opened, sealed, planned into a run, the run committed
 * with a large id list), and prints {@code committed <run id>} after each commit returned.
 */
public final class IndexCommitLoop {
    static final String TABLE = "request_facts";
    /** Large enough that one run commit spans many pages of the WAL: a wide window to be killed in. */
    static final int IDS_BYTES = 256 * 1024;

    private IndexCommitLoop() {}

    /** The id list of run {@code runId}: derived from the id, so the parent can check it byte for byte. */
    static byte[] idsOf(long runId) {
        byte[] ids = new byte[IDS_BYTES];
        new Random(runId).nextBytes(ids);
        return ids;
    }

    public static void main(String[] args) throws Exception {
        try (BatchIndex index = BatchIndex.open(Path.of(args[0]))) {
            RollupLedger ledger = index.rollupLedger();
            System.out.println("ready");
            System.out.flush();
            for (long i = 1; ; i++) {
                long batch = index.createOpenBatch(TABLE, i);
                index.markSealed(batch, TABLE, i, i, 100, 1, 1);
                PlannedRun run = ledger.planRun(TABLE, 1, 1, 1, i).orElseThrow();
                ledger.commitRun(new CommittedRun(run.id(), i, 1, 1, 0, 0, 0, idsOf(run.id()), i), TABLE, 0);
                System.out.println("committed " + run.id());
                System.out.flush();
            }
        }
    }
}

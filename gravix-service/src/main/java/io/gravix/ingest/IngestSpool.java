package io.gravix.ingest;

import static java.util.Objects.requireNonNull;

import io.gravix.spool.Spool;
import io.gravix.spool.Table;
import java.util.concurrent.CompletableFuture;

/**
 * What ingest asks of the spool, with {@link Spool}'s semantics: admission
 * (throws {@code SpoolUnavailableException}), the expect-then-append-or-abandon
 * protocol of group commit, and whether a shutdown began. The seam where tests
 * make the spool fail in ways a real disk rarely does on demand.
 */
interface IngestSpool {
    void checkAdmission(Table table, long bytes);

    void expectFrame(Table table);

    void abandonExpected(Table table);

    /** Completes after the fsync covering {@code frame}, or exceptionally. */
    CompletableFuture<Void> appendExpected(Table table, byte[] frame, int events);

    boolean isShuttingDown();

    static IngestSpool of(Spool spool) {
        requireNonNull(spool, "spool is null");
        return new IngestSpool() {
            @Override
            public void checkAdmission(Table table, long bytes) {
                spool.checkAdmission(table, bytes);
            }

            @Override
            public void expectFrame(Table table) {
                spool.expectFrame(table);
            }

            @Override
            public void abandonExpected(Table table) {
                spool.abandonExpected(table);
            }

            @Override
            public CompletableFuture<Void> appendExpected(Table table, byte[] frame, int events) {
                return spool.appendExpected(table, frame, events);
            }

            @Override
            public boolean isShuttingDown() {
                return spool.isShuttingDown();
            }
        };
    }
}

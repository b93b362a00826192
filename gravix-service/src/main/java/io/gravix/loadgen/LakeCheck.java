package io.gravix.loadgen;

import io.gravix.rollup.LakeScan;
import io.gravix.store.ObjectStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The lake side of {@code loadgen --verify}: the server's object store opened for reading,
 * and a temporary directory for the files being read. Opened before the run, so a wrong
 * {@code --config} or store credentials fail before any event is sent.
 */
final class LakeCheck implements AutoCloseable {
    static final Duration POLL_INTERVAL = Duration.ofSeconds(1);

    private final VerifyOptions options;
    private final String lakeTable;
    private final ObjectStore store;
    private final Path workDirectory;

    private LakeCheck(VerifyOptions options, String lakeTable, ObjectStore store, Path workDirectory) {
        this.options = options;
        this.lakeTable = lakeTable;
        this.store = store;
        this.workDirectory = workDirectory;
    }

    /**
     * Opens the store {@code options.config()} names and lists the current partition of
     * {@code endpoint}'s table once, to fail early on a wrong location or credentials.
     */
    static LakeCheck open(VerifyOptions options, String endpoint) throws IOException {
        ObjectStore store = LakeLocation.load(options.config()).openStore();
        LakeCheck check = new LakeCheck(options, lakeTable(endpoint), store, Files.createTempDirectory("gravix-verify-"));
        try {
            Instant now = Instant.now();
            new LakeScan(store, check.workDirectory).files(check.lakeTable, now, now);
            return check;
        } catch (IOException | RuntimeException e) {
            check.close();
            throw new IOException("--verify: cannot list the lake in " + store + ": " + e.getMessage(), e);
        }
    }

    /** Verifies a finished run of {@code loadgen}; prints the rollup trigger's outcome on {@code out}. */
    VerifyReport verify(LoadgenOptions load, LoadRun run, PrintStream out) throws IOException, InterruptedException {
        RollupTrigger trigger = new RollupTrigger(load.adminUrl(), options.adminToken(), options.timeout());
        LakeVerifier verifier = new LakeVerifier(new LakeScan(store, workDirectory), lakeTable, trigger,
                options.timeout(), POLL_INTERVAL, Clock.systemUTC(), out);
        return verifier.verify(run.runTag(), run.sentIds(), run.eventsFrom());
    }

    String lakeTable() {
        return lakeTable;
    }

    /** The lake table an ingest endpoint feeds: request-facts → request_facts. */
    static String lakeTable(String endpoint) {
        return endpoint.replace('-', '_');
    }

    @Override
    public void close() throws IOException {
        store.close();
        try (Stream<Path> paths = Files.walk(workDirectory)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}

package io.gravix.index;

import static java.util.Objects.requireNonNull;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The SQLite batch index: which spool batches exist and in which state.
 *
 * <p>The spool files are the source of truth for events; this index is the
 * source of truth for what is sealed and (later) what is rolled up. One connection,
 * used under this object's lock: index writes are rare (one per spool file opened or
 * sealed, a few per rollup run), so there is nothing to gain from a pool.
 *
 * <p><b>Durability guarantees, and what Gravix relies on.</b> SQLite runs with
 * {@code journal_mode=WAL} and {@code synchronous=FULL}; {@link #open} reads both back
 * and refuses to start if SQLite did not take them (WAL is refused, for example, where
 * shared memory does not work, as on some network file systems). With these settings:
 * <ul>
 *   <li>every method that writes is one transaction, and returns only after SQLite has
 *       fsynced the WAL with its commit record: a change whose call returned survives a
 *       crash or a power loss (in WAL mode, {@code NORMAL} would fsync only at checkpoints
 *       and could lose the last commits on power loss — not acceptable, since a spool
 *       seal or a rollup commit is acted upon right after it returns);
 *   <li>a crash at any moment leaves the state before or after each transaction, never
 *       part of one: a run commit (run COMMITTED, its batches ROLLED_UP, its event ids
 *       stored) is all or nothing.
 * </ul>
 * That SQLite keeps these promises on real power loss is upstream's guarantee (given a
 * disk that honours fsync); the tests check the settings are in force and the commit
 * boundary ({@code BatchIndexCrashTest}: a process killed in the middle of commits).
 * The spool orders its file operations around these commits (see {@code SpoolWriter}).
 */
public final class BatchIndex implements Closeable {
    private static final List<String> MIGRATIONS = List.of(
            "CREATE TABLE batches ("
                    + " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                    + " table_name TEXT NOT NULL,"
                    + " state TEXT NOT NULL,"
                    + " created_at_ms INTEGER NOT NULL,"
                    + " sealed_at_ms INTEGER NOT NULL DEFAULT 0,"
                    + " bytes INTEGER NOT NULL DEFAULT 0,"
                    + " frames INTEGER NOT NULL DEFAULT 0,"
                    + " events INTEGER NOT NULL DEFAULT 0)",
            "CREATE INDEX batches_by_state ON batches(state, table_name, id)",
            // Rollup (see RollupLedger): the run a sealed batch is planned into.
            "ALTER TABLE batches ADD COLUMN run_id INTEGER",
            "CREATE TABLE rollup_runs ("
                    + " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                    + " table_name TEXT NOT NULL,"
                    + " state TEXT NOT NULL,"
                    + " planned_at_ms INTEGER NOT NULL,"
                    + " max_rows_per_file INTEGER NOT NULL,"
                    + " split_files INTEGER NOT NULL,"
                    + " committed_at_ms INTEGER NOT NULL DEFAULT 0,"
                    + " batches INTEGER NOT NULL DEFAULT 0,"
                    + " events INTEGER NOT NULL DEFAULT 0,"
                    + " duplicates INTEGER NOT NULL DEFAULT 0,"
                    + " files INTEGER NOT NULL DEFAULT 0,"
                    + " bytes INTEGER NOT NULL DEFAULT 0)",
            "CREATE INDEX rollup_runs_by_state ON rollup_runs(state, table_name, id)",
            // The event ids a committed run kept, one compressed sorted list per run: the seen-id index.
            "CREATE TABLE run_ids ("
                    + " run_id INTEGER PRIMARY KEY,"
                    + " table_name TEXT NOT NULL,"
                    + " committed_at_ms INTEGER NOT NULL,"
                    + " id_count INTEGER NOT NULL,"
                    + " ids BLOB NOT NULL)",
            "CREATE INDEX run_ids_by_age ON run_ids(table_name, committed_at_ms)",
            "CREATE INDEX batches_by_run ON batches(run_id)",
            // Who this index is: the instance id in every lake key it writes (see InstanceIdentity).
            "CREATE TABLE instance (id TEXT NOT NULL, created_at_ms INTEGER NOT NULL)",
            // The lake keys each attempt of a run was about to put, so a later attempt can delete the ones it did not write.
            "CREATE TABLE run_keys (run_id INTEGER NOT NULL, object_key TEXT NOT NULL, PRIMARY KEY (run_id, object_key))");

    private final Path file;
    private final Handle handle;
    private final String instanceId;

    private BatchIndex(Path file, Handle handle) {
        this.file = file;
        this.handle = handle;
        migrate();
        this.instanceId = InstanceIdentity.loadOrCreate(handle);
    }

    /** Opens (creating if needed) the index at {@code file} and brings its schema up to date. */
    public static BatchIndex open(Path file) throws IOException {
        requireNonNull(file, "file is null");
        Files.createDirectories(file.toAbsolutePath().getParent());
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(10_000);
        SQLiteDataSource dataSource = new SQLiteDataSource(config);
        dataSource.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
        Handle handle = Jdbi.create(dataSource).open();
        try {
            requireDurable(durabilityOf(handle), file);
            return new BatchIndex(file, handle);
        } catch (IOException | RuntimeException e) {
            handle.close();
            throw e;
        }
    }

    /** The SQLite settings a commit's durability rests on, as this index's connection has them. */
    public record Durability(String journalMode, int synchronous) {
        /** {@code synchronous} as SQLite numbers it: 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA. */
        public static final int FULL = 2;
    }

    /** Reads the settings back from SQLite (journal mode and synchronous are what it really uses, not what was asked). */
    public synchronized Durability durability() {
        return durabilityOf(handle);
    }

    private static Durability durabilityOf(Handle handle) {
        String journal = handle.createQuery("PRAGMA journal_mode").mapTo(String.class).one();
        int synchronous = handle.createQuery("PRAGMA synchronous").mapTo(Integer.class).one();
        return new Durability(journal, synchronous);
    }

    static void requireDurable(Durability d, Path file) throws IOException {
        if (!"wal".equalsIgnoreCase(d.journalMode()) || d.synchronous() < Durability.FULL) {
            throw new IOException("the batch index " + file + " runs with journal_mode=" + d.journalMode() + " and synchronous="
                    + d.synchronous() + ", but Gravix needs journal_mode=wal and synchronous=2 (FULL) so that a commit survives"
                    + " a power loss; put the data directory on a local file system (WAL needs working shared memory)");
        }
    }

    private void migrate() {
        int version = handle.createQuery("PRAGMA user_version").mapTo(Integer.class).one();
        for (int i = version; i < MIGRATIONS.size(); i++) {
            String statement = MIGRATIONS.get(i);
            int next = i + 1;
            handle.useTransaction(h -> {
                h.execute(statement);
                h.execute("PRAGMA user_version = " + next);
            });
        }
    }

    public Path file() {
        return file;
    }

    /**
     * This index's instance id: random, created with the index and never changed. Every lake
     * key the rollup writes carries it, so instances sharing a bucket and prefix (each with
     * its own data directory) never write the same key.
     */
    public String instanceId() {
        return instanceId;
    }

    /** The rollup's state in this database (same connection, so one transaction can span both). */
    public RollupLedger rollupLedger() {
        return new RollupLedger(this, handle);
    }

    /** Records a new open batch and returns its id (ids only grow). */
    public synchronized long createOpenBatch(String table, long createdAtMillis) {
        return handle.createUpdate("INSERT INTO batches(table_name, state, created_at_ms) VALUES (:t, 'OPEN', :c)")
                .bind("t", table)
                .bind("c", createdAtMillis)
                .executeAndReturnGeneratedKeys("id")
                .mapTo(Long.class)
                .one();
    }

    /**
     * Marks a batch sealed with its final size. Inserts the row when it is missing
     * (recovery of a file whose row was lost), so it is safe to repeat.
     */
    public synchronized void markSealed(long id, String table, long createdAtMillis, long sealedAtMillis,
                                        long bytes, long frames, long events) {
        handle.createUpdate("INSERT INTO batches(id, table_name, state, created_at_ms, sealed_at_ms, bytes, frames, events)"
                        + " VALUES (:id, :t, 'SEALED', :c, :s, :b, :f, :e)"
                        + " ON CONFLICT(id) DO UPDATE SET state = 'SEALED', sealed_at_ms = :s, bytes = :b, frames = :f, events = :e")
                .bind("id", id)
                .bind("t", table)
                .bind("c", createdAtMillis)
                .bind("s", sealedAtMillis)
                .bind("b", bytes)
                .bind("f", frames)
                .bind("e", events)
                .execute();
    }

    /** Forgets a batch that never held a frame. A missing id is a no-op. */
    public synchronized void deleteBatch(long id) {
        handle.createUpdate("DELETE FROM batches WHERE id = :id").bind("id", id).execute();
    }

    public synchronized Optional<BatchRecord> find(long id) {
        return handle.createQuery("SELECT * FROM batches WHERE id = :id").bind("id", id).map(BatchIndex::toRecord).findOne();
    }

    /** Batches in {@code state}, oldest first. */
    public synchronized List<BatchRecord> list(BatchState state) {
        return handle.createQuery("SELECT * FROM batches WHERE state = :s ORDER BY id")
                .bind("s", state.name())
                .map(BatchIndex::toRecord)
                .list();
    }

    public synchronized BacklogStats sealedBacklog() {
        return handle.createQuery("SELECT COUNT(*) AS n, COALESCE(SUM(bytes), 0) AS b, COALESCE(MIN(sealed_at_ms), 0) AS o"
                        + " FROM batches WHERE state = 'SEALED'")
                .map((rs, ctx) -> new BacklogStats(rs.getLong("n"), rs.getLong("b"), rs.getLong("o")))
                .one();
    }

    /** Whether the database answers a trivial query. */
    public synchronized boolean isHealthy() {
        try {
            return handle.createQuery("SELECT 1").mapTo(Integer.class).one() == 1;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static BatchRecord toRecord(java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx)
            throws java.sql.SQLException {
        return toBatchRecord(rs);
    }

    static BatchRecord toBatchRecord(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new BatchRecord(rs.getLong("id"), rs.getString("table_name"), BatchState.valueOf(rs.getString("state")),
                rs.getLong("created_at_ms"), rs.getLong("sealed_at_ms"), rs.getLong("bytes"), rs.getLong("frames"),
                rs.getLong("events"));
    }

    @Override
    public synchronized void close() {
        handle.close();
    }
}

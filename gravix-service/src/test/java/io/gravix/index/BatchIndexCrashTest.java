package io.gravix.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commit boundary Gravix relies on: a process killed (SIGKILL) at a random moment in
 * a stream of index commits leaves the index at a state between two commits — every
 * commit whose call returned is there, and a run commit (run, batches, id list) is there
 * whole or not at all. SIGKILL keeps the page cache, so this tests SQLite's atomic commit
 * as Gravix uses it, not the disk; that the WAL's fsync ({@code synchronous=FULL}, checked
 * in {@link BatchIndexTest}) carries a commit through a power loss is SQLite's promise.
 */
class BatchIndexCrashTest {
    private static final int KILLS = 4;

    @TempDir
    Path tmp;

    @Test
    void aKillInTheMiddleOfCommitsLeavesTheStateOfACommitBoundary() throws Exception {
        Path db = tmp.resolve("index.db");
        Random random = new Random(7);
        Set<Long> acknowledged = new HashSet<>();
        for (int kill = 0; kill < KILLS; kill++) {
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), IndexCommitLoop.class.getName(), db.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                assertThat(out.readLine()).isEqualTo("ready");
                int commits = 1 + random.nextInt(15);
                for (int i = 0; i < commits; i++) {
                    String line = out.readLine();
                    assertThat(line).startsWith("committed ");
                    acknowledged.add(Long.parseLong(line.substring("committed ".length())));
                }
                // A random moment inside the next commits: jitter to hit different points, not a wait for a condition.
                LockSupport.parkNanos(random.nextInt(3_000_000));
                child.destroyForcibly(); // SIGKILL on Linux
                assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
                // (commits acknowledged after the last line read are not counted: destroy closes the pipe)
            }
            checkConsistent(db, acknowledged);
        }
    }

    /** Every acknowledged run committed, and every run wholly committed or wholly not. */
    private static void checkConsistent(Path db, Set<Long> acknowledged) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath()); Statement s = c.createStatement()) {
            Map<Long, String> runs = new HashMap<>();
            try (ResultSet rs = s.executeQuery("SELECT id, state FROM rollup_runs")) {
                while (rs.next()) {
                    runs.put(rs.getLong(1), rs.getString(2));
                }
            }
            for (long run : acknowledged) {
                assertThat(runs.get(run)).as("acknowledged run %d", run).isEqualTo("COMMITTED");
            }
            for (Map.Entry<Long, String> run : runs.entrySet()) {
                boolean committed = run.getValue().equals("COMMITTED");
                List<String> batchStates = states(s, "SELECT state FROM batches WHERE run_id = " + run.getKey());
                assertThat(batchStates).as("batches of run %d", run.getKey()).hasSize(1)
                        .containsOnly(committed ? "ROLLED_UP" : "SEALED");
                try (ResultSet rs = s.executeQuery("SELECT ids FROM run_ids WHERE run_id = " + run.getKey())) {
                    if (committed) {
                        assertThat(rs.next()).as("id list of committed run %d", run.getKey()).isTrue();
                        assertThat(rs.getBytes(1)).as("id list of run %d", run.getKey()).isEqualTo(IndexCommitLoop.idsOf(run.getKey()));
                    } else {
                        assertThat(rs.next()).as("id list of uncommitted run %d", run.getKey()).isFalse();
                    }
                }
            }
            assertThat(states(s, "SELECT COUNT(*) FROM run_ids WHERE run_id NOT IN (SELECT id FROM rollup_runs WHERE state = 'COMMITTED')"))
                    .containsExactly("0");
            assertThat(states(s, "SELECT COUNT(*) FROM batches WHERE run_id IS NOT NULL AND run_id NOT IN (SELECT id FROM rollup_runs)"))
                    .containsExactly("0");
            assertThat(states(s, "PRAGMA integrity_check")).containsExactly("ok");
        }
    }

    private static List<String> states(Statement s, String sql) throws SQLException {
        List<String> values = new java.util.ArrayList<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }
}

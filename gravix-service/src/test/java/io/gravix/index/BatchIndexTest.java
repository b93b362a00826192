package io.gravix.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchIndexTest {
    private static final String FACTS = "request_facts";
    private static final String EVENTS = "service_events";

    @TempDir
    Path tmp;

    private Path file;
    private BatchIndex index;

    @BeforeEach
    void open() throws IOException {
        file = tmp.resolve("nested/dir/index.db");
        index = BatchIndex.open(file);
    }

    @AfterEach
    void close() {
        index.close();
    }

    private String pragma(String name) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("PRAGMA " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void createsItsDirectoryAndFile() {
        assertThat(file).exists();
        assertThat(index.file()).isEqualTo(file);
        assertThat(index.isHealthy()).isTrue();
    }

    @Test
    void newBatchesAreOpenWithGrowingIdsAndZeroSizes() {
        long a = index.createOpenBatch(FACTS, 1000);
        long b = index.createOpenBatch(EVENTS, 2000);
        assertThat(b).isGreaterThan(a);
        assertThat(index.find(a)).contains(new BatchRecord(a, FACTS, BatchState.OPEN, 1000, 0, 0, 0, 0));
        assertThat(index.find(b)).contains(new BatchRecord(b, EVENTS, BatchState.OPEN, 2000, 0, 0, 0, 0));
    }

    @Test
    void idsAreNotReusedAfterADelete() {
        long a = index.createOpenBatch(FACTS, 1);
        long b = index.createOpenBatch(FACTS, 1);
        index.deleteBatch(b);
        assertThat(index.createOpenBatch(FACTS, 1)).isGreaterThan(b).isGreaterThan(a);
    }

    @Test
    void markSealedRecordsTheFinalSizesAndKeepsTheCreationTime() {
        long id = index.createOpenBatch(FACTS, 1000);
        index.markSealed(id, FACTS, 999_999, 5000, 4096, 10, 25);
        // the stored creation time wins over the one passed: the row existed
        assertThat(index.find(id)).contains(new BatchRecord(id, FACTS, BatchState.SEALED, 1000, 5000, 4096, 10, 25));
    }

    @Test
    void markSealedIsIdempotentAndTheLastCallWins() {
        long id = index.createOpenBatch(FACTS, 1000);
        index.markSealed(id, FACTS, 1000, 5000, 4096, 10, 25);
        index.markSealed(id, FACTS, 1000, 5000, 4096, 10, 25);
        assertThat(index.list(BatchState.SEALED)).hasSize(1);
        index.markSealed(id, FACTS, 1000, 6000, 8192, 11, 26);
        assertThat(index.find(id)).contains(new BatchRecord(id, FACTS, BatchState.SEALED, 1000, 6000, 8192, 11, 26));
    }

    @Test
    void markSealedInsertsARowThatIsMissing() {
        index.markSealed(77, EVENTS, 1000, 5000, 4096, 10, 25);
        assertThat(index.find(77)).contains(new BatchRecord(77, EVENTS, BatchState.SEALED, 1000, 5000, 4096, 10, 25));
        assertThat(index.createOpenBatch(FACTS, 1)).as("ids keep growing past an inserted one").isGreaterThan(77);
    }

    @Test
    void deleteBatchRemovesTheRowAndAMissingIdIsANoOp() {
        long id = index.createOpenBatch(FACTS, 1000);
        index.deleteBatch(id);
        assertThat(index.find(id)).isEmpty();
        index.deleteBatch(id);
        index.deleteBatch(12345);
        assertThat(index.list(BatchState.OPEN)).isEmpty();
    }

    @Test
    void findOfAMissingIdIsEmpty() {
        assertThat(index.find(42)).isEmpty();
    }

    @Test
    void listReturnsOnlyTheGivenStateOldestFirst() {
        long a = index.createOpenBatch(FACTS, 3000);
        long b = index.createOpenBatch(EVENTS, 1000);
        long c = index.createOpenBatch(FACTS, 2000);
        long d = index.createOpenBatch(EVENTS, 500);
        index.markSealed(c, FACTS, 2000, 9000, 1, 1, 1);
        index.markSealed(a, FACTS, 3000, 8000, 1, 1, 1);
        assertThat(index.list(BatchState.OPEN)).extracting(BatchRecord::id).containsExactly(b, d);
        assertThat(index.list(BatchState.SEALED)).extracting(BatchRecord::id).containsExactly(a, c);
    }

    @Test
    void sealedBacklogCountsSealedBatchesOnly() {
        assertThat(index.sealedBacklog()).isEqualTo(BacklogStats.EMPTY);
        long a = index.createOpenBatch(FACTS, 1000);
        long b = index.createOpenBatch(EVENTS, 1000);
        index.createOpenBatch(FACTS, 1000); // still open: not backlog
        index.markSealed(a, FACTS, 1000, 7000, 100, 1, 1);
        index.markSealed(b, EVENTS, 1000, 6000, 250, 2, 2);
        assertThat(index.sealedBacklog()).isEqualTo(new BacklogStats(2, 350, 6000));
        index.deleteBatch(b);
        assertThat(index.sealedBacklog()).isEqualTo(new BacklogStats(1, 100, 7000));
    }

    @Test
    void theInstanceIdIsCreatedOnceAndKeptAcrossReopening() throws Exception {
        String instance = index.instanceId();
        assertThat(instance).matches("[a-z2-7]{12}");
        index.close();
        index = BatchIndex.open(file);
        assertThat(index.instanceId()).isEqualTo(instance);
        try (BatchIndex other = BatchIndex.open(file.resolveSibling("other.db"))) {
            assertThat(other.instanceId()).isNotEqualTo(instance);
        }
    }

    @Test
    void reopeningKeepsTheDataAndDoesNotMigrateAgain() throws Exception {
        long id = index.createOpenBatch(FACTS, 1000);
        index.markSealed(id, FACTS, 1000, 5000, 4096, 10, 25);
        String version = pragma("user_version");
        index.close();

        index = BatchIndex.open(file); // would fail with "table batches already exists" if migrations re-ran
        assertThat(pragma("user_version")).isEqualTo(version).isEqualTo("10");
        assertThat(index.find(id)).contains(new BatchRecord(id, FACTS, BatchState.SEALED, 1000, 5000, 4096, 10, 25));
        index.close();
        index = BatchIndex.open(file);
        assertThat(index.list(BatchState.SEALED)).hasSize(1);
    }

    @Test
    void runsInWalModeSoCommitsSurviveACrash() throws Exception {
        assertThat(pragma("journal_mode")).isEqualToIgnoringCase("wal");
        assertThat(tmp.resolve("nested/dir/index.db-wal")).exists();
    }

    @Test
    void commitsAreDurableOnItsOwnConnection() {
        // synchronous is per connection: only the index's own connection can show it is FULL
        assertThat(index.durability()).isEqualTo(new BatchIndex.Durability("wal", BatchIndex.Durability.FULL));
    }

    @Test
    void refusesSettingsUnderWhichACommitCanBeLost() {
        for (BatchIndex.Durability weak : List.of(new BatchIndex.Durability("delete", 2), new BatchIndex.Durability("wal", 1),
                new BatchIndex.Durability("memory", 3))) {
            assertThatThrownBy(() -> BatchIndex.requireDurable(weak, file)).as("%s", weak)
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("journal_mode=" + weak.journalMode())
                    .hasMessageContaining("synchronous=" + weak.synchronous())
                    .hasMessageContaining("needs journal_mode=wal and synchronous=2 (FULL)");
        }
    }

    @Test
    void isUnhealthyOnceClosed() {
        index.close();
        assertThat(index.isHealthy()).isFalse();
    }
}

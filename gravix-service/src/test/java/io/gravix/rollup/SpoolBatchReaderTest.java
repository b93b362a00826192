package io.gravix.rollup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gravix.rollup.columns.EventColumns;
import io.gravix.spool.SpoolFile;
import io.gravix.spool.Table;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolBatchReaderTest {
    @TempDir
    Path dir;

    @Test
    void aFileTooLargeForOneArenaIsUnreadableBeforeAnyByteIsClaimed() throws IOException {
        Path file = dir.resolve(SpoolFile.sealedName(1));
        try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
            sparse.setLength(Integer.MAX_VALUE); // sparse: no bytes are written
        }
        EventColumns columns = EventColumns.of(Table.REQUEST_FACTS, 0);
        long arenaBefore = columns.arena().length;

        assertThatThrownBy(() -> SpoolBatchReader.read(Table.REQUEST_FACTS, file, columns))
                .isInstanceOf(SpoolBatchReader.Unreadable.class)
                .hasMessageContaining("a spool file of " + Integer.MAX_VALUE + " bytes does not fit one arena (at most 2 GiB)");
        assertThatThrownBy(() -> columns.appendRecordAt(columns.arena().length - 1, 1, 1))
                .as("nothing was claimed").isInstanceOf(IllegalArgumentException.class);
        assertThat(columns.arena().length).isEqualTo(arenaBefore);
    }
}

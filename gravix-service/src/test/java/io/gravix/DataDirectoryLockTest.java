package io.gravix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryLockTest {
    @TempDir
    Path dataDir;

    @Test
    void aSecondHolderIsRefusedUntilTheFirstLetsGo() throws Exception {
        DataDirectoryLock first = DataDirectoryLock.acquire(dataDir.resolve("data"));
        assertThatThrownBy(() -> DataDirectoryLock.acquire(dataDir.resolve("data")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("another Gravix process is using the data directory")
                .hasMessageContaining("GRAVIX_DATA_DIR");
        first.close();
        try (DataDirectoryLock again = DataDirectoryLock.acquire(dataDir.resolve("data"))) {
            assertThat(dataDir.resolve("data").resolve(DataDirectoryLock.FILE_NAME)).exists();
        }
    }
}

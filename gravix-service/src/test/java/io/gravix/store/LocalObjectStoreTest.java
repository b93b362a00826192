package io.gravix.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ObjectStore contract on the local file system, plus what only a directory tree has. */
class LocalObjectStoreTest extends ObjectStoreContractTest {
    @TempDir
    Path lakes;

    private Path root;
    private LocalObjectStore store;

    @BeforeEach
    void newStore() throws IOException {
        root = lakes.resolve("lake");
        store = new LocalObjectStore(root);
        store.verify();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Override
    protected ObjectStore store() {
        return store;
    }

    /** A crash between creating the temp file and the rename leaves it in the target directory. */
    @Override
    protected void leaveUnfinishedPut(String key) throws IOException {
        Path target = root.resolve(key);
        Files.createDirectories(target.getParent());
        Files.writeString(target.getParent().resolve(LocalObjectStore.TEMP_PREFIX + "crashed-" + target.getFileName()), "partial");
    }

    @Test
    void anObjectIsTheFileAtItsKeyUnderTheRoot() throws IOException {
        store.put("request_facts/dt=2024-05-01/hour=13/part-1-0.parquet", file("parquet bytes"));

        assertThat(root.resolve("request_facts/dt=2024-05-01/hour=13/part-1-0.parquet")).hasContent("parquet bytes");
    }

    @Test
    void putLeavesNoTemporaryFileBehind() throws IOException {
        store.put("t/a", file("a"));
        store.put("t/a", file("b"));

        try (Stream<Path> names = Files.list(root.resolve("t"))) {
            assertThat(names.map(p -> p.getFileName().toString())).containsExactly("a");
        }
    }

    @Test
    void aFailedPutRemovesItsTemporaryFileAndKeepsTheOldObject() throws IOException {
        store.put("a", file("old"));
        Files.createDirectories(root.resolve("blocked/dir")); // a directory where the key wants a file

        assertThatThrownBy(() -> store.put("blocked", file("new"))).isInstanceOf(IOException.class);

        try (Stream<Path> names = Files.list(root)) {
            assertThat(names.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("a", "blocked");
        }
        assertThat(root.resolve("a")).hasContent("old");
    }

    @Test
    void temporaryFilesOfInterruptedPutsAreRemovedAtStartUp() throws IOException {
        store.put("t/dt=1/kept", file("kept"));
        leaveUnfinishedPut("t/dt=1/lost");
        leaveUnfinishedPut("other/lost");

        LocalStoreConfig config = new LocalStoreConfig();
        config.setDirectory(root.toString());
        LocalObjectStore restarted = config.build(lakes);

        assertThat(restarted.removeTemporaryFiles()).isZero(); // build already removed both
        try (Stream<Path> all = Files.walk(root)) {
            assertThat(all.filter(Files::isRegularFile).map(p -> root.relativize(p).toString())).containsExactly("t/dt=1/kept");
        }
    }

    @Test
    void filesThatAreNotValidKeysAreNotListed() throws IOException {
        store.put("t/ok", file("ok"));
        Files.writeString(root.resolve("t/with space"), "x");
        Files.writeString(root.resolve("t/.hidden"), "x");
        Files.createDirectories(root.resolve(".snapshot/t"));
        Files.writeString(root.resolve(".snapshot/t/ok"), "x");

        assertThat(keys("")).containsExactly("t/ok");
    }

    @Test
    void verifyCreatesAMissingRoot() throws IOException {
        LocalObjectStore fresh = new LocalObjectStore(lakes.resolve("new/lake"));

        fresh.verify();

        assertThat(lakes.resolve("new/lake")).isDirectory();
    }

    @Test
    void verifyFailsAsAConfigurationErrorWhenTheRootIsAFile() throws IOException {
        Path notADirectory = Files.writeString(lakes.resolve("file"), "x");

        assertThatThrownBy(() -> new LocalObjectStore(notADirectory).verify())
                .isInstanceOfSatisfying(ObjectStoreException.class, e -> assertThat(e.isConfigurationError()).isTrue())
                .hasMessageContaining(notADirectory.toString());
    }
}

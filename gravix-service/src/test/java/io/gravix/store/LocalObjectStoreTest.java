package io.gravix.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
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

    /** A crash between creating the temp file and the rename leaves it in the dead store's temp directory, its lock free. */
    @Override
    protected void leaveUnfinishedPut(String key) throws IOException {
        Path deadOwner = Files.createDirectories(root.resolve(PutTempDirectory.NAME).resolve("dead-" + key.replace('/', '_')));
        Files.writeString(deadOwner.resolveSibling(deadOwner.getFileName() + ".lock"), "");
        Files.writeString(deadOwner.resolve("partial-put"), "partial");
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
        assertThat(store.claimTempDirectory().newTempFile().getParent()).isEmptyDirectory();
    }

    @Test
    void aFailedPutRemovesItsTemporaryFileAndKeepsTheOldObject() throws IOException {
        store.put("a", file("old"));
        Files.createDirectories(root.resolve("blocked/dir")); // a directory where the key wants a file

        assertThatThrownBy(() -> store.put("blocked", file("new"))).isInstanceOf(IOException.class);

        try (Stream<Path> names = Files.list(root)) {
            assertThat(names.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("a", "blocked", PutTempDirectory.NAME);
        }
        assertThat(store.claimTempDirectory().newTempFile().getParent()).isEmptyDirectory();
        assertThat(root.resolve("a")).hasContent("old");
    }

    @Test
    void startUpRemovesOnlyTheTemporaryFilesOfStoresThatAreGoneWithoutWalkingTheLake() throws IOException {
        store.put("t/dt=1/kept", file("kept"));
        leaveUnfinishedPut("t/dt=1/lost");
        leaveUnfinishedPut("other/lost");
        Path livePut = store.claimTempDirectory().newTempFile(); // a put of this running store
        Files.writeString(livePut, "in flight");
        Path notSwept = Files.writeString(root.resolve("t/dt=1/.tmp-of-an-older-version"), "x"); // no walk through the lake

        LocalStoreConfig config = new LocalStoreConfig();
        config.setDirectory(root.toString());
        try (LocalObjectStore restarted = config.build(lakes)) {
            assertThat(restarted.removeAbandonedTemporaryFiles()).isZero(); // build already removed both
            assertThat(livePut).hasContent("in flight");
            assertThat(notSwept).exists();
            assertThat(keys("")).containsExactly("t/dt=1/kept");
        }
        try (Stream<Path> tempDirectories = Files.list(root.resolve(PutTempDirectory.NAME))) {
            assertThat(tempDirectories.map(p -> p.getFileName().toString()))
                    .as("only the live store's directory and lock file; the restarted store's went on close")
                    .containsExactlyInAnyOrder(livePut.getParent().getFileName().toString(), livePut.getParent().getFileName() + ".lock");
        }
    }

    @Test
    void theTemporaryFilesOfAStoreInAnotherLiveProcessAreLeftAlone() throws Exception {
        Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), TempDirectoryHolder.class.getName(), root.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            Path othersPut = Path.of(new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8)).readLine());
            assertThat(othersPut).hasContent("in flight in another process");

            assertThat(store.removeAbandonedTemporaryFiles()).isZero();
            assertThat(othersPut).hasContent("in flight in another process");

            other.destroyForcibly(); // SIGKILL: the kernel frees its lock
            other.waitFor();
            assertThat(store.removeAbandonedTemporaryFiles()).isEqualTo(1);
            assertThat(othersPut).doesNotExist();
            assertThat(othersPut.getParent()).doesNotExist();
        } finally {
            other.destroyForcibly();
        }
    }

    @Test
    void closingAStoreRemovesItsEmptyTemporaryDirectory() throws IOException {
        store.put("t/a", file("a"));
        Path directory = store.claimTempDirectory().newTempFile().getParent();
        assertThat(directory).isEmptyDirectory();

        store.close();

        assertThat(directory).doesNotExist();
        assertThat(directory.resolveSibling(directory.getFileName() + ".lock")).doesNotExist();
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

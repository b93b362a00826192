package io.gravix.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The behaviour every {@link ObjectStore} promises (its Javadoc), run against each
 * implementation: {@code LocalObjectStoreTest} and {@code S3ObjectStoreIT} (a real
 * S3-compatible server). A subclass gives each test a fresh, empty store whose
 * multipart threshold (if it has one) lies below {@link #LARGE_FILE_SIZE}.
 */
abstract class ObjectStoreContractTest {
    /** Above the multipart threshold and part size subclasses configure (5 MiB): three parts. */
    static final int LARGE_FILE_SIZE = 12 * 1024 * 1024 + 1234;

    @TempDir
    Path files;

    /** A fresh, empty store for the current test. */
    protected abstract ObjectStore store();

    /** Leaves behind what an unfinished put of {@code key} leaves in this store (a temp file, an open multipart upload). */
    protected abstract void leaveUnfinishedPut(String key) throws IOException;

    private int fileCounter;

    Path file(byte[] content) throws IOException {
        return Files.write(files.resolve("file-" + fileCounter++), content);
    }

    Path file(String content) throws IOException {
        return file(content.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    byte[] read(String key) throws IOException {
        try (InputStream in = store().open(key)) {
            return in.readAllBytes();
        }
    }

    List<String> keys(String prefix) throws IOException {
        return store().list(prefix).stream().map(ObjectInfo::key).toList();
    }

    @Test
    void smallFileRoundTrips() throws IOException {
        store().put("request_facts/dt=2024-05-01/hour=13/part-1-0.parquet", file("hello lake"));

        assertThat(read("request_facts/dt=2024-05-01/hour=13/part-1-0.parquet")).asString(StandardCharsets.UTF_8).isEqualTo("hello lake");
    }

    @Test
    void emptyFileRoundTrips() throws IOException {
        store().put("empty", file(new byte[0]));

        assertThat(read("empty")).isEmpty();
        assertThat(store().list("")).singleElement().satisfies(o -> assertThat(o.size()).isZero());
    }

    @Test
    void fileAboveTheMultipartThresholdRoundTripsWhole() throws IOException {
        byte[] content = randomBytes(LARGE_FILE_SIZE, 42);

        store().put("big/part-0.parquet", file(content));

        assertThat(read("big/part-0.parquet")).isEqualTo(content);
        assertThat(store().list("big/")).singleElement().satisfies(o -> assertThat(o.size()).isEqualTo(LARGE_FILE_SIZE));
    }

    @Test
    void puttingTheSameContentAgainIsIdempotent() throws IOException {
        byte[] content = randomBytes(10_000, 1);
        Path local = file(content);

        store().put("t/dt=2024-05-01/hour=00/part-7-0.parquet", local);
        List<ObjectInfo> before = store().list("");
        store().put("t/dt=2024-05-01/hour=00/part-7-0.parquet", local); // a re-executed rollup run

        assertThat(read("t/dt=2024-05-01/hour=00/part-7-0.parquet")).isEqualTo(content);
        assertThat(store().list("")).extracting(ObjectInfo::key, ObjectInfo::size)
                .containsExactlyElementsOf(before.stream().map(o -> org.assertj.core.groups.Tuple.tuple(o.key(), o.size())).toList());
    }

    @Test
    void putReplacesAnExistingObjectWhole() throws IOException {
        store().put("k", file(randomBytes(5000, 1)));
        byte[] replacement = randomBytes(300, 2);

        store().put("k", file(replacement));

        assertThat(read("k")).isEqualTo(replacement);
        assertThat(store().list("")).singleElement().satisfies(o -> assertThat(o.size()).isEqualTo(300));
    }

    @Test
    void putLeavesTheLocalFileInPlace() throws IOException {
        Path local = file("stay");

        store().put("k", local);

        assertThat(local).hasContent("stay");
    }

    @Test
    void listIsOrderedByKeyAndFilteredByPlainStringPrefix() throws IOException {
        // put in an order that is neither sorted nor the directory-walk order
        for (String key : List.of("ab", "a/c", "a.b", "b", "a/bc/d", "a-b", "a/b")) {
            store().put(key, file(key));
        }

        assertThat(keys("")).containsExactly("a-b", "a.b", "a/b", "a/bc/d", "a/c", "ab", "b");
        assertThat(keys("a")).containsExactly("a-b", "a.b", "a/b", "a/bc/d", "a/c", "ab");
        assertThat(keys("a/")).containsExactly("a/b", "a/bc/d", "a/c");
        assertThat(keys("a/b")).containsExactly("a/b", "a/bc/d");
        assertThat(keys("a/bc/")).containsExactly("a/bc/d");
        assertThat(keys("a/b/")).isEmpty();
        assertThat(keys("c")).isEmpty();
        assertThat(keys("zz/top/")).isEmpty();
    }

    @Test
    void listFindsPartitionsByPartialSegment() throws IOException {
        store().put("request_facts/dt=2024-05-01/hour=23/part-1-0.parquet", file("x"));
        store().put("request_facts/dt=2024-05-02/hour=00/part-2-0.parquet", file("y"));
        store().put("request_facts/dt=2024-06-01/hour=00/part-3-0.parquet", file("z"));
        store().put("service_events/dt=2024-05-01/hour=23/part-1-0.parquet", file("w"));

        assertThat(keys("request_facts/dt=2024-05-0")).containsExactly(
                "request_facts/dt=2024-05-01/hour=23/part-1-0.parquet", "request_facts/dt=2024-05-02/hour=00/part-2-0.parquet");
    }

    @Test
    void listReportsSizeAndLastModified() throws IOException {
        Instant before = Instant.now().minusSeconds(120);
        store().put("sized", file(randomBytes(4321, 3)));

        ObjectInfo info = store().list("").get(0);

        assertThat(info.key()).isEqualTo("sized");
        assertThat(info.size()).isEqualTo(4321);
        assertThat(info.lastModified()).isBetween(before, Instant.now().plusSeconds(120));
    }

    @Test
    void anEmptyStoreListsNothing() throws IOException {
        assertThat(store().list("")).isEmpty();
        assertThat(store().list("request_facts/")).isEmpty();
    }

    @Test
    void unfinishedPutsAreInvisible() throws IOException {
        store().put("t/done", file("done"));
        leaveUnfinishedPut("t/pending");
        leaveUnfinishedPut("t/done");

        assertThat(keys("")).containsExactly("t/done");
        assertThat(keys("t/")).containsExactly("t/done");
        assertThat(store().exists("t/pending")).isFalse();
        assertThatThrownBy(() -> store().open("t/pending")).isInstanceOf(NoSuchObjectException.class);
        assertThat(read("t/done")).asString(StandardCharsets.UTF_8).isEqualTo("done");
    }

    @Test
    void deleteRemovesTheObjectAndNothingElse() throws IOException {
        store().put("d/one", file("1"));
        store().put("d/two", file("2"));

        store().delete("d/one");

        assertThat(store().exists("d/one")).isFalse();
        assertThat(keys("")).containsExactly("d/two");
        assertThatThrownBy(() -> store().open("d/one")).isInstanceOf(NoSuchObjectException.class);
    }

    @Test
    void deletingAMissingKeyIsANoOp() throws IOException {
        store().put("present", file("p"));

        store().delete("absent");
        store().delete("absent/deeper/key");
        store().delete("present");
        store().delete("present");

        assertThat(store().list("")).isEmpty();
    }

    @Test
    void openingAMissingKeyFailsNamingTheKey() {
        assertThatThrownBy(() -> store().open("request_facts/missing.parquet"))
                .isInstanceOfSatisfying(NoSuchObjectException.class, e -> {
                    assertThat(e.key()).isEqualTo("request_facts/missing.parquet");
                    assertThat(e.reason()).isEqualTo(ObjectStoreException.Reason.NO_SUCH_OBJECT);
                })
                .hasMessageContaining("request_facts/missing.parquet");
    }

    @Test
    void aDirectoryOfKeysIsNoObject() throws IOException {
        store().put("a/b/c", file("c"));

        assertThat(store().exists("a")).isFalse();
        assertThat(store().exists("a/b")).isFalse();
        assertThatThrownBy(() -> store().open("a/b")).isInstanceOf(NoSuchObjectException.class);
        store().delete("a/b");
        assertThat(keys("")).containsExactly("a/b/c");
    }

    @Test
    void existsTellsWhetherAnObjectIsThere() throws IOException {
        assertThat(store().exists("x/y")).isFalse();

        store().put("x/y", file("y"));
        assertThat(store().exists("x/y")).isTrue();

        store().delete("x/y");
        assertThat(store().exists("x/y")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/a", "a/", "a//b", "..", "../a", "a/../b", "a/./b", ".", ".hidden", "a/.tmp-123",
        "a b", "a\\b", "a\u0000b", "caf\u00e9", "a?b", "a*b", "a#b", "a%2Fb", "a:b"})
    void invalidKeysAreRefusedByEveryOperation(String key) throws IOException {
        Path local = file("x");

        assertThatThrownBy(() -> store().put(key, local)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid object key");
        assertThatThrownBy(() -> store().open(key)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store().exists(key)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store().delete(key)).isInstanceOf(IllegalArgumentException.class);
        assertThat(store().list("")).isEmpty();
    }

    @Test
    void overlongKeysAndSegmentsAreRefused() {
        String longSegment = "s".repeat(ObjectKeys.MAX_SEGMENT_LENGTH + 1);
        String longKey = ("k".repeat(99) + "/").repeat(11);

        assertThatThrownBy(() -> store().exists(longSegment)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("segment longer");
        assertThatThrownBy(() -> store().exists(longKey)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("longer than 1024");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/a", "a//", "../", "a/../", ".tmp-", "a b"})
    void invalidPrefixesAreRefused(String prefix) {
        assertThatThrownBy(() -> store().list(prefix)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid list prefix");
    }

    @Test
    void putOfAMissingLocalFileFailsAndPublishesNothing() throws IOException {
        store().put("kept", file("old"));

        assertThatThrownBy(() -> store().put("new", files.resolve("never-written"))).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> store().put("kept", files.resolve("never-written"))).isInstanceOf(NoSuchFileException.class);

        assertThat(store().exists("new")).isFalse();
        assertThat(keys("")).containsExactly("kept");
        assertThat(read("kept")).asString(StandardCharsets.UTF_8).isEqualTo("old");
    }

    @Test
    void verifyAcceptsAUsableStore() throws IOException {
        store().verify();
    }
}

package io.gravix.rollup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gravix.store.LocalObjectStore;
import io.gravix.store.ObjectInfo;
import io.gravix.testing.HandMadeLake;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a stretch of a lake table through a real (local) ObjectStore. */
class LakeScanTest {
    private static final Instant T = Instant.parse("2026-03-01T10:59:30Z");

    @TempDir
    Path dir;

    private LocalObjectStore store;
    private HandMadeLake lake;
    private LakeScan scan;

    @BeforeEach
    void lake() throws IOException {
        store = new LocalObjectStore(dir.resolve("lake"));
        lake = new HandMadeLake(store, dir.resolve("writing"));
        scan = new LakeScan(store, Files.createDirectories(dir.resolve("reading")));
    }

    @Test
    void readsTheFilesOfTheHourPartitionsInTheRangeAndNothingElse() throws IOException {
        lake.putRequestFacts(T.minus(Duration.ofHours(1)), List.of("before-1"));
        lake.putRequestFacts(T, List.of("a-1", "a-2"));
        lake.putRequestFacts(T, List.of("a-3"));
        lake.putRequestFacts(T.plusSeconds(60), List.of("b-1", "b-2")); // 11:00:30, the next hour
        lake.putRequestFacts(T.plus(Duration.ofHours(2)), List.of("after-1"));
        lake.putServiceEvents(T, List.of("service-event-1"));
        List<String> ids = new ArrayList<>();

        LakeScan.Result result = scan.eventIds("request_facts", T, T.plusSeconds(60), ids::add);

        assertThat(result).isEqualTo(new LakeScan.Result(3, 5));
        assertThat(ids).containsExactlyInAnyOrder("a-1", "a-2", "a-3", "b-1", "b-2");
        assertThat(scan.files("request_facts", T, T)).extracting(ObjectInfo::key)
                .allMatch(k -> k.startsWith("request_facts/dt=2026-03-01/hour=10/"))
                .hasSize(2);
    }

    @Test
    void eachTableIsReadOnItsOwn() throws IOException {
        lake.putRequestFacts(T, List.of("fact-1"));
        lake.putServiceEvents(T, List.of("event-1", "event-2"));
        List<String> ids = new ArrayList<>();

        scan.eventIds("service_events", T, T, ids::add);

        assertThat(ids).containsExactly("event-1", "event-2");
    }

    @Test
    void objectsThatAreNotParquetFilesAreSkipped() throws IOException {
        lake.putRequestFacts(T, List.of("a-1"));
        store.put("request_facts/dt=2026-03-01/hour=10/_SUCCESS", Files.writeString(dir.resolve("marker"), ""));

        assertThat(scan.files("request_facts", T, T)).extracting(ObjectInfo::key).noneMatch(k -> k.endsWith("_SUCCESS"));
    }

    @Test
    void anEmptyOrMissingLakeHasNoIds() throws IOException {
        List<String> ids = new ArrayList<>();

        assertThat(scan.eventIds("request_facts", T, T.plus(Duration.ofHours(3)), ids::add)).isEqualTo(new LakeScan.Result(0, 0));
        assertThat(ids).isEmpty();
    }

    @Test
    void aDamagedFileIsAnErrorNamingItsKey() throws IOException {
        String key = lake.key("request_facts", T);
        store.put(key, Files.writeString(dir.resolve("junk"), "not parquet at all, not at all"));

        assertThatThrownBy(() -> scan.eventIds("request_facts", T, T, id -> { }))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(key);
        try (var left = Files.list(dir.resolve("reading"))) {
            assertThat(left).as("downloaded copies are deleted").isEmpty();
        }
    }

    @Test
    void anUnknownTableOrABackwardRangeIsRefused() {
        assertThatThrownBy(() -> scan.files("request-facts", T, T)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("request-facts");
        assertThatThrownBy(() -> scan.files("request_facts", T, T.minusSeconds(1))).isInstanceOf(IllegalArgumentException.class);
    }
}

package io.gravix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dropwizard.testing.DropwizardTestSupport;
import io.gravix.testing.GravixTestApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A second Gravix started by mistake on a data directory in use must refuse to start
 * before it touches anything: the first one's puts in progress stay where they are.
 */
class SecondInstanceIT {
    @Test
    void aSecondStartOnTheSameDataDirectoryRefusesBeforeTouchingTheFirstOnesPutsInProgress() throws Exception {
        Path dataDir = GravixTestApp.newDataDir("second-instance");
        DropwizardTestSupport<GravixConfiguration> first = GravixTestApp.support(dataDir);
        first.before();
        try {
            // What a put of the first instance has on disk while it copies a file into the lake:
            // a temp file in the directory the first instance claimed for its puts.
            List<Path> claimed;
            try (Stream<Path> temp = Files.list(dataDir.resolve("lake/.gravix-tmp"))) {
                claimed = temp.filter(Files::isDirectory).toList();
            }
            assertThat(claimed).as("temp directories of live stores").hasSize(1);
            Path inFlight = Files.writeString(claimed.get(0).resolve("in-flight"), "half of a Parquet file");
            // A temp file where an older Gravix put them (next to the key): no start walks the lake for those.
            Path partition = Files.createDirectories(dataDir.resolve("lake/request_facts/dt=2026-12-01/hour=21"));
            Path olderLayout = Files.writeString(partition.resolve(".tmp-in-flight"), "half of a Parquet file");

            DropwizardTestSupport<GravixConfiguration> second = GravixTestApp.support(dataDir);
            assertThatThrownBy(second::before).hasStackTraceContaining("another Gravix process is using the data directory");
            second.after();

            assertThat(inFlight).hasContent("half of a Parquet file");
            assertThat(olderLayout).hasContent("half of a Parquet file");
        } finally {
            first.after();
        }
    }
}

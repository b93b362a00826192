package io.gravix.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The rollup trigger never fails a verification; it says why it did not run. (Against a real server: LoadgenVerifyIT.) */
class RollupTriggerTest {
    @Test
    void withoutAdminUrlOrTokenItIsNotCalled() throws Exception {
        assertThat(new RollupTrigger(null, "token", Duration.ofSeconds(5)).trigger()).contains("not called");
        assertThat(new RollupTrigger(URI.create("http://127.0.0.1:1"), null, Duration.ofSeconds(5)).trigger()).contains("not called");
        assertThat(new RollupTrigger(URI.create("http://127.0.0.1:1"), "", Duration.ofSeconds(5)).trigger()).contains("not called");
    }

    @Test
    void anUnreachableAdminPortIsReportedAndTheScheduledRollupAwaited() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }

        String outcome = new RollupTrigger(URI.create("http://127.0.0.1:" + closedPort), "token", Duration.ofSeconds(5)).trigger();

        assertThat(outcome).contains("/tasks/rollup-now failed").contains("waiting for the scheduled rollup");
    }

    @Test
    void theTasksAnswerIsShownAsItsTotals() {
        String answer = "{\"runs\":2,\"batches\":3,\"events\":100000,\"duplicates\":5000,\"files\":4,\"bytes\":1583883,"
                + "\"deadLettered\":[\"x\"],\"details\":[{\"run\":1,\"files\":[\"request_facts/dt=2026-11-29/hour=05/part-1-0.parquet\"]}]}";

        assertThat(RollupTrigger.summary(answer))
                .isEqualTo("2 runs, 100000 events, 5000 duplicates dropped, 4 files, 1583883 bytes, 1 dead-lettered");
        assertThat(RollupTrigger.summary("not json")).isEqualTo("not json");
    }
}

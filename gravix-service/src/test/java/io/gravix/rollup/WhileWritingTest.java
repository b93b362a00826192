package io.gravix.rollup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The work a run does on its own thread while its files are written (packing the ids to commit). */
class WhileWritingTest {

    @Test
    void itsResultIsReturnedWithoutWaitingForTheWrites() throws Exception {
        ExecutorService writers = Executors.newSingleThreadExecutor();
        CountDownLatch release = new CountDownLatch(1);
        try {
            Future<Long> write = writers.submit(() -> {
                release.await();
                return 1L;
            });

            assertThat(TableRollup.whileWriting(List.of(write), () -> "packed")).isEqualTo("packed");
            assertThat(write.isDone()).isFalse();
        } finally {
            release.countDown();
            writers.shutdown();
        }
    }

    @Test
    void aFailureSurfacesOnlyOnceNoWriteRunsAnyMore() {
        ExecutorService writers = Executors.newSingleThreadExecutor();
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean written = new AtomicBoolean();
        Thread caller = Thread.currentThread();
        Thread releaser = new Thread(() -> {
            // Open the write only once the failing caller waits for it.
            await().atMost(Duration.ofSeconds(30)).until(() -> caller.getState() == Thread.State.WAITING);
            release.countDown();
        });
        try {
            Future<Long> write = writers.submit(() -> {
                release.await();
                written.set(true);
                return 1L;
            });
            releaser.start();

            Throwable failure = catchThrowable(() -> TableRollup.whileWriting(List.of(write), () -> {
                throw new OutOfMemoryError("Java heap space");
            }));

            assertThat(failure).isInstanceOf(OutOfMemoryError.class).hasMessage("Java heap space");
            assertThat(written).as("the write finished before the failure was thrown").isTrue();
        } finally {
            release.countDown();
            writers.shutdown();
        }
    }
}

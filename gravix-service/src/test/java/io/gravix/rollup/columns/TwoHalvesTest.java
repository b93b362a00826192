package io.gravix.rollup.columns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TwoHalvesTest {
    private final ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "helper"));

    @AfterEach
    void stopPool() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void theHelperRunsItsHalfWhileTheCallerRunsTheOther() {
        CountDownLatch helperStarted = new CountDownLatch(1);
        List<String> threads = new CopyOnWriteArrayList<>();

        TwoHalves.run(pool, () -> {
            await(helperStarted); // returns only once the other half runs elsewhere
            threads.add(Thread.currentThread().getName());
        }, () -> {
            helperStarted.countDown();
            threads.add(Thread.currentThread().getName());
        });

        assertThat(threads).containsExactlyInAnyOrder("helper", Thread.currentThread().getName());
    }

    @Test
    void aBusyPoolOnlyMakesTheCallerRunBothHalvesOnce() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        pool.execute(() -> await(release)); // the helper thread is busy
        AtomicInteger theirs = new AtomicInteger();
        List<String> threads = new CopyOnWriteArrayList<>();

        TwoHalves.run(pool, () -> threads.add(Thread.currentThread().getName()), () -> {
            theirs.incrementAndGet();
            threads.add(Thread.currentThread().getName());
        });

        assertThat(threads).containsOnly(Thread.currentThread().getName()).hasSize(2);
        release.countDown();
        // the queued copy of the half, once the helper gets to it, does nothing
        CountDownLatch drained = new CountDownLatch(1);
        pool.execute(drained::countDown);
        assertThat(drained.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(theirs).hasValue(1);
    }

    @Test
    void aPoolShutDownRunsBothHalvesOnTheCaller() {
        pool.shutdown();
        AtomicInteger ran = new AtomicInteger();

        TwoHalves.run(pool, ran::incrementAndGet, ran::incrementAndGet);

        assertThat(ran).hasValue(2);
    }

    @Test
    void aFailureOfTheHelpersHalfReachesTheCaller() {
        CountDownLatch helperStarted = new CountDownLatch(1);
        assertThatThrownBy(() -> TwoHalves.run(pool, () -> await(helperStarted), () -> {
            helperStarted.countDown();
            throw new IllegalStateException("the helper's half failed");
        })).isInstanceOf(IllegalStateException.class).hasMessage("the helper's half failed");
    }

    @Test
    void whenTheCallersHalfFailsItWaitsForTheHelpersHalfBeforeThrowing() {
        CountDownLatch helperStarted = new CountDownLatch(1);
        CountDownLatch callerFailing = new CountDownLatch(1);
        AtomicBoolean helperDone = new AtomicBoolean();

        assertThatThrownBy(() -> TwoHalves.run(pool, () -> {
            await(helperStarted);
            callerFailing.countDown();
            throw new IllegalArgumentException("the caller's half failed");
        }, () -> {
            helperStarted.countDown();
            await(callerFailing);
            helperDone.set(true);
        })).isInstanceOf(IllegalArgumentException.class);

        assertThat(helperDone).as("the helper was done with the shared state").isTrue();
    }

    @Test
    void sameThreadRunsBothOnTheCaller() {
        List<Thread> ranOn = new CopyOnWriteArrayList<>();

        TwoHalves.run(TwoHalves.SAME_THREAD, () -> ranOn.add(Thread.currentThread()), () -> ranOn.add(Thread.currentThread()));

        assertThat(ranOn).containsExactly(Thread.currentThread(), Thread.currentThread());
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).as("latch released").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

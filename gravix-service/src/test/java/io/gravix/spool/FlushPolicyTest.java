package io.gravix.spool;

import static io.gravix.spool.FlushPolicy.Decision.FLUSH_IDLE;
import static io.gravix.spool.FlushPolicy.Decision.FLUSH_MAX_BYTES;
import static io.gravix.spool.FlushPolicy.Decision.FLUSH_MAX_WAIT;
import static io.gravix.spool.FlushPolicy.Decision.KEEP_GATHERING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FlushPolicyTest {
    private static final long MAX_BYTES = 8192;
    private static final long MAX_WAIT = 10_000_000; // 10 ms
    private static final boolean QUEUE_EMPTY = true;
    private static final boolean MORE_QUEUED = false;
    private static final long LINGER = 2_000_000; // 2 ms
    private static final boolean NONE_EXPECTED = false;
    private static final boolean MORE_EXPECTED = true;

    private final FlushPolicy policy = new FlushPolicy(MAX_BYTES, MAX_WAIT, LINGER);

    @Test
    void keepsGatheringWhileMoreFramesWaitAndNoLimitIsReached() {
        assertThat(policy.decide(MORE_QUEUED, 1, 0, NONE_EXPECTED)).isEqualTo(KEEP_GATHERING);
        assertThat(policy.decide(MORE_QUEUED, MAX_BYTES - 1, MAX_WAIT - 1, NONE_EXPECTED)).isEqualTo(KEEP_GATHERING);
    }

    @Test
    void flushesWhenTheQueueRunsEmpty() {
        assertThat(policy.decide(QUEUE_EMPTY, 1, 0, NONE_EXPECTED)).isEqualTo(FLUSH_IDLE);
        assertThat(policy.decide(QUEUE_EMPTY, MAX_BYTES - 1, MAX_WAIT - 1, NONE_EXPECTED)).isEqualTo(FLUSH_IDLE);
    }

    @Test
    void flushesOnceTheGatheredBytesReachTheLimit() {
        assertThat(policy.decide(MORE_QUEUED, MAX_BYTES, 0, NONE_EXPECTED)).isEqualTo(FLUSH_MAX_BYTES);
        assertThat(policy.decide(MORE_QUEUED, MAX_BYTES * 10, 0, NONE_EXPECTED)).isEqualTo(FLUSH_MAX_BYTES);
    }

    @Test
    void flushesOnceTheOldestFrameHasWaitedTheLimit() {
        assertThat(policy.decide(MORE_QUEUED, 1, MAX_WAIT, NONE_EXPECTED)).isEqualTo(FLUSH_MAX_WAIT);
        assertThat(policy.decide(MORE_QUEUED, 1, Long.MAX_VALUE, NONE_EXPECTED)).isEqualTo(FLUSH_MAX_WAIT);
    }

    @Test
    void theByteLimitWinsOverTheWaitLimitAndBothOverIdle() {
        assertThat(policy.decide(QUEUE_EMPTY, MAX_BYTES, MAX_WAIT, NONE_EXPECTED)).isEqualTo(FLUSH_MAX_BYTES);
        assertThat(policy.decide(QUEUE_EMPTY, 1, MAX_WAIT, NONE_EXPECTED)).isEqualTo(FLUSH_MAX_WAIT);
    }

    @Test
    void aZeroMaxWaitFlushesEveryTime() {
        FlushPolicy noWait = new FlushPolicy(MAX_BYTES, 0, LINGER);
        assertThat(noWait.decide(MORE_QUEUED, 1, 0, NONE_EXPECTED)).isEqualTo(FLUSH_MAX_WAIT);
    }

    @Test
    void eachFlushDecisionHasItsOwnMetricsReasonAndGatheringHasNone() {
        assertThat(FLUSH_IDLE.reason()).isEqualTo("idle");
        assertThat(FLUSH_MAX_BYTES.reason()).isEqualTo("max_bytes");
        assertThat(FLUSH_MAX_WAIT.reason()).isEqualTo("max_wait");
        assertThat(KEEP_GATHERING.reason()).isNull();
        assertThat(Arrays.stream(FlushPolicy.Decision.values()).map(FlushPolicy.Decision::reason).distinct()).hasSize(4);
    }

    @Test
    void rejectsLimitsThatCannotWork() {
        assertThatThrownBy(() -> new FlushPolicy(0, MAX_WAIT, LINGER)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FlushPolicy(-1, MAX_WAIT, LINGER)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FlushPolicy(MAX_BYTES, -1, LINGER)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FlushPolicy(MAX_BYTES, MAX_WAIT, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anIdleQueueLingersForRequestsBeingDecodedUpToTheLinger() {
        assertThat(policy.decide(QUEUE_EMPTY, 1, 0, MORE_EXPECTED)).isEqualTo(KEEP_GATHERING);
        assertThat(policy.decide(QUEUE_EMPTY, 1, LINGER - 1, MORE_EXPECTED)).isEqualTo(KEEP_GATHERING);
        assertThat(policy.decide(QUEUE_EMPTY, 1, LINGER, MORE_EXPECTED)).isEqualTo(FLUSH_IDLE);
    }

    @Test
    void lingeringNeverOutlastsTheOtherLimits() {
        assertThat(policy.decide(QUEUE_EMPTY, MAX_BYTES, 0, MORE_EXPECTED)).isEqualTo(FLUSH_MAX_BYTES);
        FlushPolicy shortWait = new FlushPolicy(MAX_BYTES, LINGER / 2, LINGER);
        assertThat(shortWait.decide(QUEUE_EMPTY, 1, LINGER / 2, MORE_EXPECTED)).isEqualTo(FLUSH_MAX_WAIT);
        assertThat(shortWait.lingerLeftNanos(0)).isEqualTo(LINGER / 2);
        assertThat(policy.lingerLeftNanos(LINGER / 4)).isEqualTo(LINGER - LINGER / 4);
        assertThat(policy.lingerLeftNanos(LINGER * 3)).isZero();
    }
}

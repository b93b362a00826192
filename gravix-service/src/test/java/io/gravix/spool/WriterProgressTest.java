package io.gravix.spool;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WriterProgressTest {
    @Test
    void anIdleWriterIsNeverStalledHoweverLongAgoItLastFlushed() {
        WriterProgress p = new WriterProgress(0);
        assertThat(p.stalledMillis(3_600_000)).isZero();
    }

    @Test
    void workWaitingWithoutProgressCountsFromItsArrivalNotFromTheLastFlush() {
        WriterProgress p = new WriterProgress(0);
        p.workArrived(10_000);
        assertThat(p.stalledMillis(10_005)).isEqualTo(5);
        assertThat(p.stalledMillis(40_000)).isEqualTo(30_000);
    }

    @Test
    void progressWhileWorkWaitsResetsTheStallAndDrainingEndsIt() {
        WriterProgress p = new WriterProgress(0);
        p.workArrived(1_000);
        p.progressed(5_000); // took a command, now flushing
        assertThat(p.stalledMillis(6_000)).isEqualTo(1_000);
        p.workArrived(5_500); // more frames queue behind the flush: the older mark stays
        assertThat(p.stalledMillis(45_000)).isEqualTo(40_000);
        p.drained(45_001);
        assertThat(p.stalledMillis(90_000)).isZero();
    }
}

package io.gravix.rollup.columns;

import static org.assertj.core.api.Assertions.assertThat;

import io.gravix.spool.Table;
import org.junit.jupiter.api.Test;

class ColumnArraysTest {
    @Test
    void theShortestHeldArrayLongEnoughIsHandedOutOnceThenNewOnes() {
        ColumnArrays arrays = new ColumnArrays();
        long[] small = new long[10];
        long[] large = new long[100];
        arrays.give(large);
        arrays.give(small);

        assertThat(arrays.longs(8)).isSameAs(small);
        assertThat(arrays.longs(8)).isSameAs(large);
        long[] fresh = arrays.longs(8);
        assertThat(fresh).isNotSameAs(small).isNotSameAs(large).hasSize(8);
        assertThat(arrays.heldBytes()).isZero();
    }

    @Test
    void anArrayTooShortForTheRunIsNotHandedOut() {
        ColumnArrays arrays = new ColumnArrays();
        byte[] short_ = new byte[16];
        arrays.give(short_);
        assertThat(arrays.bytes(17)).hasSize(17).isNotSameAs(short_);
        assertThat(arrays.heldBytes()).isEqualTo(16);
    }

    @Test
    void aReleasedRunReplacesWhatTheRunBeforeLeftAndClearLetsAllGo() {
        ColumnArrays arrays = new ColumnArrays();
        EventColumns first = EventColumns.of(Table.REQUEST_FACTS, 1 << 20, arrays);
        arrays.release(first);
        long oneRun = arrays.heldBytes();
        assertThat(oneRun).isGreaterThanOrEqualTo(first.memoryBytes());

        EventColumns second = EventColumns.of(Table.SERVICE_EVENTS, 1 << 16, arrays);
        assertThat(arrays.heldBytes()).as("the smaller run took some arrays").isLessThan(oneRun);
        arrays.release(second);
        assertThat(arrays.heldBytes()).as("only the last run's arrays are held").isLessThanOrEqualTo(oneRun);

        arrays.clear();
        assertThat(arrays.heldBytes()).isZero();
    }
}

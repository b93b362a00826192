package io.gravix.rollup.columns;

import static org.assertj.core.api.Assertions.assertThat;

import io.gravix.spool.Table;
import org.junit.jupiter.api.Test;

class ColumnArraysTest {
    @Test
    void aRoleGetsBackItsOwnArrayWhenItIsLongEnoughAndOnlyOnce() {
        ColumnArrays arrays = new ColumnArrays();
        long[] ts = new long[10];
        long[] grown = new long[100];
        arrays.give("ts", ts);
        arrays.give("attrKey", grown);

        assertThat(arrays.longs("ts", 8)).isSameAs(ts);
        assertThat(arrays.longs("ts", 8)).isNotSameAs(ts).hasSize(8);
        assertThat(arrays.longs("attrKey", 100)).isSameAs(grown);
        assertThat(arrays.heldBytes()).isZero();
    }

    @Test
    void anArrayTooShortIsLetGoAndItsReplacementHasRoomForASlightlyLargerRun() {
        ColumnArrays arrays = new ColumnArrays();
        byte[] arena = new byte[64 << 20];
        arrays.give("arena", arena);
        byte[] bigger = arrays.bytes("arena", (64 << 20) + 100);
        assertThat(bigger).isNotSameAs(arena).hasSize(68 << 20); // rounded up to a sixteenth of 64 MiB
        assertThat(arrays.heldBytes()).as("the short one is not kept beside it").isZero();

        arrays.give("arena", bigger);
        assertThat(arrays.bytes("arena", (64 << 20) + 5000)).as("the next, slightly larger run fits").isSameAs(bigger);
        assertThat(ColumnArrays.withHeadroom(1000)).isEqualTo(1000);
        assertThat(ColumnArrays.withHeadroom(1 << 20)).isEqualTo(1 << 20);
        assertThat(ColumnArrays.withHeadroom((1 << 20) + 1)).isEqualTo((1 << 20) + (1 << 16));
    }

    @Test
    void columnsTakeWhatFitsAndNothingStaysHeldWhileARunHoldsItsOwn() {
        ColumnArrays arrays = new ColumnArrays();
        EventColumns first = EventColumns.of(Table.REQUEST_FACTS, 1 << 20, arrays);
        arrays.release(first);
        long oneRun = arrays.heldBytes();
        assertThat(oneRun).isGreaterThanOrEqualTo(first.memoryBytes());
        byte[] firstArena = first.arena();

        EventColumns same = EventColumns.of(Table.REQUEST_FACTS, 1 << 20, arrays);
        assertThat(same.arena()).isSameAs(firstArena);
        assertThat(arrays.heldBytes()).isZero();
        arrays.release(same);

        EventColumns other = EventColumns.of(Table.SERVICE_EVENTS, 1 << 16, arrays);
        assertThat(other.arena()).as("a smaller run of the other table takes the arena too").isSameAs(firstArena);
        assertThat(arrays.heldBytes()).as("what it could not use (request_facts' own columns) is let go").isZero();
        arrays.release(other);
        assertThat(arrays.heldBytes()).isPositive();

        arrays.clear();
        assertThat(arrays.heldBytes()).isZero();
    }
}

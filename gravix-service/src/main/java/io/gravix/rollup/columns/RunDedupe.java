package io.gravix.rollup.columns;

import java.util.Arrays;
import java.util.concurrent.Executor;

/**
 * The dedupe of one run, over its decoded rows: a row is kept when no earlier row of the run
 * (rows are in the order the run read its batches and their frames) and no committed run
 * kept its event id.
 *
 * <p>Why in groups: probing one hash set of all the run's ids, and then the seen-id index,
 * row by row costs a cache miss per row in each (measured: about as long as decoding the
 * run). So rows are first grouped by the top bits of their ids' fingerprints (a counting
 * sort; rows stay ascending within a group) and each group is deduped in a small hash set
 * that stays in the cache. Repeats of an id share its fingerprint, so they meet in one
 * group, in row order: the first copy is the one kept, as in a row-by-row dedupe. The
 * committed ids are probed in fingerprint order too, which walks the seen-id index's
 * shards and sorted segments from one end to the other instead of at random.
 *
 * <p>The fingerprints (of rows) and the groups' dedupes (of groups) are each split in two
 * halves that run at once ({@link TwoHalves}): nothing of one half is read or written by
 * the other, so the marks are the same as on one thread. {@link CommittedIds#contains}
 * is then called from two threads.
 */
final class RunDedupe {
    /** Rows per group on average: a group's hash set (4 bytes a slot, at most half full) stays within a few KiB. */
    static final int ROWS_PER_GROUP = 256;

    private RunDedupe() {}

    /**
     * Marks in {@code kept[row]} (1 kept, 0 dropped) every row of {@code columns} to keep, and
     * puts the fingerprints of the kept rows' ids in {@code keptFingerprints}, in fingerprint
     * order of their top bits (the order the seen-id index inserts them fastest in).
     *
     * @param fingerprints scratch of at least {@code columns.rows()} slots
     * @param order scratch of at least {@code columns.rows()} slots
     * @param helper runs half of the work while the caller runs the other
     * @return how many rows were dropped
     */
    static long markKept(EventColumns columns, CommittedIds committed, long[] fingerprints, int[] order, byte[] kept,
                         long[] keptFingerprints, Executor helper) {
        int rows = columns.rows();
        TwoHalves.run(helper, () -> fingerprint(columns, committed, fingerprints, 0, rows / 2),
                () -> fingerprint(columns, committed, fingerprints, rows / 2, rows));
        int[] groupStart = groupByTopBits(fingerprints, rows, groupBits(rows), order);
        int middle = groupAtRow(groupStart, rows / 2);
        long[] dropped = new long[2];
        TwoHalves.run(helper, () -> dropped[0] = dedupeGroups(columns, committed, fingerprints, order, groupStart, 0, middle, kept),
                () -> dropped[1] = dedupeGroups(columns, committed, fingerprints, order, groupStart, middle, groupStart.length - 1, kept));
        int k = 0;
        for (int i = 0; i < rows; i++) {
            if (kept[order[i]] != 0) {
                keptFingerprints[k++] = fingerprints[order[i]];
            }
        }
        return dropped[0] + dropped[1];
    }

    private static void fingerprint(EventColumns columns, CommittedIds committed, long[] fingerprints, int from, int to) {
        byte[] arena = columns.arena();
        for (int row = from; row < to; row++) {
            fingerprints[row] = committed.fingerprint(arena, columns.eventIdOffset(row), columns.eventIdLength(row));
        }
    }

    /** Bits of fingerprint that choose a row's group: about {@link #ROWS_PER_GROUP} rows each. */
    static int groupBits(int rows) {
        int bits = 0;
        while (bits < 24 && (rows >>> bits) > ROWS_PER_GROUP) {
            bits++;
        }
        return bits;
    }

    private static int group(long fingerprint, int bits) {
        return bits == 0 ? 0 : (int) (fingerprint >>> (64 - bits));
    }

    /** Fills {@code order} with the rows grouped by {@code group}, ascending within each; returns where each group starts (and the end). */
    private static int[] groupByTopBits(long[] fingerprints, int rows, int bits, int[] order) {
        int[] start = new int[(1 << bits) + 1];
        for (int row = 0; row < rows; row++) {
            start[group(fingerprints[row], bits) + 1]++;
        }
        for (int g = 1; g < start.length; g++) {
            start[g] += start[g - 1];
        }
        int[] next = Arrays.copyOf(start, start.length - 1);
        for (int row = 0; row < rows; row++) {
            order[next[group(fingerprints[row], bits)]++] = row;
        }
        return start;
    }

    /** The first group that starts at or after {@code row} (the number of groups if none does). */
    private static int groupAtRow(int[] groupStart, int row) {
        int g = 0;
        while (g < groupStart.length - 1 && groupStart[g] < row) {
            g++;
        }
        return g;
    }

    /** Dedupes groups {@code [fromGroup, toGroup)} with one hash set; returns how many rows were dropped. */
    private static long dedupeGroups(EventColumns columns, CommittedIds committed, long[] fingerprints, int[] order, int[] groupStart,
                                     int fromGroup, int toGroup, byte[] kept) {
        int[] set = new int[setSlots(largestGroup(groupStart, fromGroup, toGroup))];
        long dropped = 0;
        for (int g = fromGroup; g < toGroup; g++) {
            dropped += dedupeGroup(columns, committed, fingerprints, order, groupStart[g], groupStart[g + 1], set, kept);
        }
        return dropped;
    }

    private static int largestGroup(int[] groupStart, int fromGroup, int toGroup) {
        int largest = 0;
        for (int g = fromGroup; g < toGroup; g++) {
            largest = Math.max(largest, groupStart[g + 1] - groupStart[g]);
        }
        return largest;
    }

    /** A power of two at least twice {@code rows}: a set of that many rows stays at most half full. */
    private static int setSlots(int rows) {
        return Math.max(16, Integer.highestOneBit(Math.max(1, rows)) << 2);
    }

    /** Dedupes the rows {@code order[from, to)} of one group, in ascending row order; returns how many were dropped. */
    private static long dedupeGroup(EventColumns columns, CommittedIds committed, long[] fingerprints, int[] order, int from, int to,
                                    int[] set, byte[] kept) {
        int mask = setSlots(to - from) - 1;
        Arrays.fill(set, 0, mask + 1, 0); // slots hold row + 1; 0 is empty
        byte[] arena = columns.arena();
        long dropped = 0;
        for (int i = from; i < to; i++) {
            int row = order[i];
            long fingerprint = fingerprints[row];
            int slot = (int) fingerprint & mask;
            boolean repeat = false;
            for (int s = set[slot]; s != 0; s = set[slot = (slot + 1) & mask]) {
                if (fingerprints[s - 1] == fingerprint && columns.sameEventId(s - 1, row)) {
                    repeat = true; // kept earlier in this run
                    break;
                }
            }
            if (repeat || committed.contains(fingerprint, arena, columns.eventIdOffset(row), columns.eventIdLength(row))) {
                kept[row] = 0;
                dropped++;
            } else {
                kept[row] = 1;
                set[slot] = row + 1;
            }
        }
        return dropped;
    }
}

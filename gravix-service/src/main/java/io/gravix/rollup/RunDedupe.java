package io.gravix.rollup;

import io.gravix.rollup.columns.EventColumns;
import java.util.Arrays;

/**
 * The dedupe of one run, as its events are decoded: an event is kept when neither an
 * earlier event of this run nor a committed run ({@link SeenIds}) kept its id. The run's
 * own ids are an open-addressing set of slices of the run's arena — no {@code String}
 * per event.
 */
final class RunDedupe implements EventColumns.IdFilter {
    private final SeenIds seen;
    /** Slices (offset << 32 | length) of kept ids; 0 = empty (offset 0 is never an id). */
    private long[] slots;
    private int size;
    private long duplicates;

    RunDedupe(SeenIds seen, int expectedIds) {
        this.seen = seen;
        this.slots = new long[Math.max(64, Integer.highestOneBit(Math.max(1, expectedIds)) << 2)];
    }

    @Override
    public boolean keep(byte[] arena, int off, int len) {
        long fingerprint = seen.fingerprint(arena, off, len);
        int mask = slots.length - 1;
        int i = (int) fingerprint & mask;
        for (long s = slots[i]; s != 0; s = slots[i = (i + 1) & mask]) {
            int o = (int) (s >>> 32);
            if (Arrays.equals(arena, o, o + (int) s, arena, off, off + len)) {
                duplicates++; // kept earlier in this run
                return false;
            }
        }
        if (seen.contains(fingerprint, arena, off, len)) {
            duplicates++; // kept by a committed run
            return false;
        }
        slots[i] = (long) off << 32 | len;
        if (++size * 2 > slots.length) {
            rehash(arena);
        }
        return true;
    }

    private void rehash(byte[] arena) {
        long[] old = slots;
        slots = new long[old.length * 2];
        int mask = slots.length - 1;
        for (long s : old) {
            if (s != 0) {
                int i = (int) seen.fingerprint(arena, (int) (s >>> 32), (int) s) & mask;
                while (slots[i] != 0) {
                    i = (i + 1) & mask;
                }
                slots[i] = s;
            }
        }
    }

    long duplicates() {
        return duplicates;
    }
}

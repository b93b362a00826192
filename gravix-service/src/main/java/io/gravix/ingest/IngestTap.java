package io.gravix.ingest;

import io.gravix.spool.Table;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The live tap: the last {@value #SLOTS} acknowledged requests of each table, held in a
 * bounded ring so a developer can see their events arrive (the operator console decodes
 * them on demand). Recording costs one small object and two atomic operations on the ack
 * path: the ring keeps a reference to the spool frame ingest built anyway (immutable from
 * then on), never a copy. Frames over {@value #MAX_FRAME_BYTES} bytes are counted, not
 * kept, so the ring holds at most {@code 2 × SLOTS × MAX_FRAME_BYTES} bytes.
 */
public final class IngestTap {
    static final int SLOTS = 128;
    static final int MAX_FRAME_BYTES = 128 * 1024;

    /** One acknowledged request: its spool frame ({@code [length][crc][record]}) and when it was acknowledged. */
    public record Tapped(Table table, long acknowledgedAtMillis, byte[] frame) {}

    private static final class Ring {
        final AtomicReferenceArray<Tapped> slots = new AtomicReferenceArray<>(SLOTS);
        final AtomicLong next = new AtomicLong();
        final AtomicLong tooLarge = new AtomicLong();
    }

    private final Map<Table, Ring> rings = new EnumMap<>(Table.class);

    public IngestTap() {
        for (Table table : Table.values()) {
            rings.put(table, new Ring());
        }
    }

    /** Called once per acknowledged request, after its fsync. */
    void record(Table table, byte[] frame, long acknowledgedAtMillis) {
        Ring ring = rings.get(table);
        if (frame.length > MAX_FRAME_BYTES) {
            ring.tooLarge.incrementAndGet();
            return;
        }
        ring.slots.set((int) (ring.next.getAndIncrement() % SLOTS), new Tapped(table, acknowledgedAtMillis, frame));
    }

    /** The table's kept requests, newest first (a racing writer may replace one while this reads: the tap is a glimpse). */
    public List<Tapped> newestFirst(Table table) {
        Ring ring = rings.get(table);
        long end = ring.next.get();
        List<Tapped> out = new ArrayList<>(SLOTS);
        for (long i = end - 1; i >= Math.max(0, end - SLOTS); i--) {
            Tapped t = ring.slots.get((int) (i % SLOTS));
            if (t != null) {
                out.add(t);
            }
        }
        return out;
    }

    /** Acknowledged requests of the table too large to keep in the tap. */
    public long tooLarge(Table table) {
        return rings.get(table).tooLarge.get();
    }
}

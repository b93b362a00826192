package io.gravix.dlq;

import com.fasterxml.jackson.databind.JsonNode;
import io.gravix.spool.SpoolFile;
import io.gravix.spool.SpoolFileSalvager;
import io.gravix.spool.SpoolFormatException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What is in a dead-letter entry: its header (or why it is unreadable), every intact
 * frame found past the damage ({@link SpoolFileSalvager}), which of them are the
 * table's records and how many events they hold, and the first few decoded to JSON.
 */
public final class DeadLetterInspector {
    /** Damaged regions and undecodable frames listed at most; their counts are always complete. */
    static final int MAX_LISTED = 100;

    /** A frame that is intact but not a record of the entry's table. */
    public record UndecodableFrame(long offset, String error) {}

    /** One decoded frame: one accepted request. */
    public record ShownFrame(long offset, String source, long ingestedAtMicros, List<JsonNode> events) {}

    /**
     * @param header null when unreadable, {@code headerError} then says why
     * @param readableFrames intact frames (length and checksum match)
     * @param decodableFrames intact frames that are the table's records: what a replay re-ingests
     * @param events events in the decodable frames
     */
    public record Inspection(DeadLetterEntry entry, SpoolFile.Header header, SpoolFormatException headerError,
                             int readableFrames, int decodableFrames, long events,
                             int damagedRegions, List<SpoolFileSalvager.Damage> damage,
                             int undecodableFrames, List<UndecodableFrame> undecodable, List<ShownFrame> firstFrames) {}

    private DeadLetterInspector() {}

    /** Inspects {@code entry}, decoding at most {@code maxFrames} frames to JSON. */
    public static Inspection inspect(DeadLetterEntry entry, int maxFrames) throws IOException {
        SpoolFileSalvager.Result salvage = SpoolFileSalvager.salvage(entry.file());
        List<UndecodableFrame> undecodable = new ArrayList<>();
        List<ShownFrame> shown = new ArrayList<>();
        int decodable = 0;
        long events = 0;
        for (SpoolFileSalvager.Frame frame : salvage.frames()) {
            RecordDecoder.Decoded decoded;
            try {
                decoded = RecordDecoder.decode(entry.table(), frame.payload());
            } catch (RecordDecoder.Undecodable e) {
                undecodable.add(new UndecodableFrame(frame.offset(), e.getMessage()));
                continue;
            }
            decodable++;
            events += decoded.events().size();
            if (shown.size() < maxFrames) {
                shown.add(new ShownFrame(frame.offset(), decoded.source(), decoded.ingestedAtMicros(), decoded.eventsAsJson()));
            }
        }
        return new Inspection(entry, salvage.header(), salvage.headerError(), salvage.frames().size(), decodable, events,
                salvage.damage().size(), firstOf(salvage.damage()), undecodable.size(), firstOf(undecodable), shown);
    }

    private static <T> List<T> firstOf(List<T> list) {
        return List.copyOf(list.subList(0, Math.min(list.size(), MAX_LISTED)));
    }
}

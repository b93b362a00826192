package io.gravix.spool;

import static io.gravix.spool.SpoolFile.FRAME_OVERHEAD;
import static io.gravix.spool.SpoolFile.HEADER_SIZE;
import static io.gravix.spool.SpoolFile.MAX_FRAME_PAYLOAD;
import static io.gravix.spool.SpoolFile.getInt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a spool file frame by frame and classifies what follows the last valid frame.
 *
 * <p>Scanning stops at the first frame that is incomplete or fails its checksum
 * (offset {@code validEnd}). What lies from there to the end of the file is:
 * <ul>
 *   <li>{@link Tail#CLEAN}: nothing;
 *   <li>{@link Tail#TORN}: bytes with no valid frame anywhere after them — the
 *       remains of a write that was cut by a crash before its fsync, so never
 *       acknowledged; recovery truncates them;
 *   <li>{@link Tail#CORRUPT}: damage followed by at least one valid frame —
 *       acknowledged data may lie behind it, so nothing is cut and the file goes
 *       to the dead-letter queue instead.
 * </ul>
 */
public final class SpoolFileScanner {

    /** What follows the last valid frame. */
    public enum Tail { CLEAN, TORN, CORRUPT }

    /** Receives each valid frame's payload as a slice of {@code buf}. */
    @FunctionalInterface
    public interface FrameVisitor {
        void visit(long offset, byte[] buf, int payloadOffset, int payloadLength);
    }

    /** The outcome of a scan. {@code validEnd} is the offset just past the last valid frame. */
    public record Result(SpoolFile.Header header, int frames, long validEnd, long fileSize, Tail tail) {
        public long tailBytes() {
            return fileSize - validEnd;
        }
    }

    private SpoolFileScanner() {}

    /** Scans {@code file}; throws {@link SpoolFormatException} when its header is unreadable. */
    public static Result scan(Path file, FrameVisitor visitor) throws IOException {
        byte[] buf = Files.readAllBytes(file);
        return scan(file, buf, visitor);
    }

    static Result scan(Path file, byte[] buf, FrameVisitor visitor) {
        SpoolFile.Header header = SpoolFile.decodeHeader(buf, file);
        int pos = HEADER_SIZE;
        int frames = 0;
        while (pos < buf.length) {
            int length = validFrameLength(buf, pos);
            if (length < 0) {
                Tail tail = hasValidFrameAfter(buf, pos + 1) ? Tail.CORRUPT : Tail.TORN;
                return new Result(header, frames, pos, buf.length, tail);
            }
            if (visitor != null) {
                visitor.visit(pos, buf, pos + FRAME_OVERHEAD, length);
            }
            frames++;
            pos += FRAME_OVERHEAD + length;
        }
        return new Result(header, frames, pos, buf.length, Tail.CLEAN);
    }

    /** The payload length of a complete frame with a good checksum at {@code pos}, or -1. */
    static int validFrameLength(byte[] buf, int pos) {
        if (buf.length - pos < FRAME_OVERHEAD) {
            return -1;
        }
        int length = getInt(buf, pos);
        if (length <= 0 || length > MAX_FRAME_PAYLOAD || (long) pos + FRAME_OVERHEAD + length > buf.length) {
            return -1;
        }
        return SpoolFile.frameChecksum(buf, pos, length) == getInt(buf, pos + 4) ? length : -1;
    }

    private static boolean hasValidFrameAfter(byte[] buf, int from) {
        for (int pos = from; pos <= buf.length - FRAME_OVERHEAD - 1; pos++) {
            if (validFrameLength(buf, pos) >= 0) {
                return true;
            }
        }
        return false;
    }
}

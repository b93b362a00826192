package io.gravix.spool;

import static io.gravix.spool.SpoolFile.FRAME_OVERHEAD;
import static io.gravix.spool.SpoolFile.HEADER_SIZE;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads every intact frame of a damaged spool file, for the dead-letter queue.
 *
 * <p>{@link SpoolFileScanner} stops at the first bad frame, because recovery must know
 * where the valid prefix ends. Salvage goes on: from a bad frame it searches byte by
 * byte for the next offset where a complete frame with a matching length and crc32c
 * starts, and records the bytes it skipped as damage. It also works when the header is
 * unreadable: frames are searched for from offset {@value SpoolFile#HEADER_SIZE}, where
 * the first one starts when only the header is damaged.
 *
 * <p>Inside damage, bytes that merely look like a frame are accepted only if their
 * crc32c matches as well, a 2<sup>-32</sup> chance per position. The search costs a
 * checksum for each position whose length field fits the file, so salvaging a file with
 * large damage is slow; it is an operator's tool, not the rollup's path.
 */
public final class SpoolFileSalvager {

    /** An intact frame: where it starts in the file and its payload. */
    public record Frame(long offset, byte[] payload) {}

    /** Bytes skipped because no intact frame starts in them. */
    public record Damage(long offset, long length) {}

    /**
     * What could be read. {@code header} is null when the header is unreadable, and
     * {@code headerError} then says why; frames and damage are in file order.
     */
    public record Result(SpoolFile.Header header, SpoolFormatException headerError, List<Frame> frames, List<Damage> damage,
                         long fileSize) {}

    private SpoolFileSalvager() {}

    public static Result salvage(Path file) throws IOException {
        byte[] buf = Files.readAllBytes(file);
        SpoolFile.Header header = null;
        SpoolFormatException headerError = null;
        try {
            header = SpoolFile.decodeHeader(buf, file);
        } catch (SpoolFormatException e) {
            headerError = e;
        }
        List<Frame> frames = new ArrayList<>();
        List<Damage> damage = new ArrayList<>();
        int pos = HEADER_SIZE;
        int damageStart = -1;
        while (pos < buf.length) {
            int length = SpoolFileScanner.validFrameLength(buf, pos);
            if (length < 0) {
                if (damageStart < 0) {
                    damageStart = pos;
                }
                pos++;
                continue;
            }
            if (damageStart >= 0) {
                damage.add(new Damage(damageStart, pos - damageStart));
                damageStart = -1;
            }
            frames.add(new Frame(pos, Arrays.copyOfRange(buf, pos + FRAME_OVERHEAD, pos + FRAME_OVERHEAD + length)));
            pos += FRAME_OVERHEAD + length;
        }
        if (damageStart >= 0) {
            damage.add(new Damage(damageStart, buf.length - damageStart));
        }
        return new Result(header, headerError, List.copyOf(frames), List.copyOf(damage), buf.length);
    }
}

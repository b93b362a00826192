package io.gravix.spool;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The spool file format, described once here.
 *
 * <pre>
 * file   := header frame*
 * header := magic "GRVXSPL1" (8 bytes) | version u16 (=1) | table code u16
 *           | batch id i64 | created-at epoch millis i64 | crc32c u32 of the preceding 28 bytes
 * frame  := length u32 (payload bytes, 1..MAX_FRAME_PAYLOAD) | crc32c u32 of (length bytes + payload) | payload
 * </pre>
 * All integers big-endian. A payload is one serialized {@code RequestFactRecord}
 * or {@code ServiceEventRecord}: every event of one accepted request, so a frame
 * is the unit of atomicity and of acknowledgement.
 *
 * <p>Names: {@code <batch id, 12 digits>.open} while being written, renamed to
 * {@code .sealed} once complete (the rename is the seal's commit point).
 */
public final class SpoolFile {
    static final byte[] MAGIC = "GRVXSPL1".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    public static final int HEADER_SIZE = 32;
    public static final int FRAME_OVERHEAD = 8;
    /** Larger than any accepted request can serialize to; a longer length field is corruption. */
    public static final int MAX_FRAME_PAYLOAD = 256 * 1024 * 1024;
    static final String OPEN_SUFFIX = ".open";
    static final String SEALED_SUFFIX = ".sealed";

    private SpoolFile() {}

    /** The parsed header of a spool file. */
    public record Header(Table table, long batchId, long createdAtMillis) {}

    static byte[] encodeHeader(Table table, long batchId, long createdAtMillis) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_SIZE).order(ByteOrder.BIG_ENDIAN);
        b.put(MAGIC).putShort((short) VERSION).putShort((short) table.code()).putLong(batchId).putLong(createdAtMillis);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, HEADER_SIZE - 4);
        b.putInt((int) crc.getValue());
        return b.array();
    }

    /** Parses a header, or throws {@link SpoolFormatException} saying what is wrong with it. */
    static Header decodeHeader(byte[] bytes, Path file) {
        return decodeHeader(bytes, 0, bytes.length, file);
    }

    /** Decodes the header of the file held in {@code bytes[start, start + size)}. */
    static Header decodeHeader(byte[] bytes, int start, int size, Path file) {
        if (size < HEADER_SIZE) {
            throw new SpoolFormatException(file, 0, "file shorter than the " + HEADER_SIZE + "-byte header");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, start, HEADER_SIZE).order(ByteOrder.BIG_ENDIAN);
        byte[] magic = new byte[MAGIC.length];
        b.get(magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw new SpoolFormatException(file, 0, "bad magic: not a Gravix spool file");
        }
        int version = Short.toUnsignedInt(b.getShort());
        int tableCode = Short.toUnsignedInt(b.getShort());
        long batchId = b.getLong();
        long created = b.getLong();
        int storedCrc = b.getInt();
        CRC32C crc = new CRC32C();
        crc.update(bytes, start, HEADER_SIZE - 4);
        if ((int) crc.getValue() != storedCrc) {
            throw new SpoolFormatException(file, 0, "header checksum mismatch");
        }
        if (version != VERSION) {
            throw new SpoolFormatException(file, 8, "unsupported spool format version " + version);
        }
        Table table;
        try {
            table = Table.fromCode(tableCode);
        } catch (IllegalArgumentException e) {
            throw new SpoolFormatException(file, 10, e.getMessage());
        }
        return new Header(table, batchId, created);
    }

    /** Encodes a complete frame (header and payload) ready to be appended. */
    public static byte[] encodeFrame(byte[] payload) {
        if (payload.length == 0 || payload.length > MAX_FRAME_PAYLOAD) {
            throw new IllegalArgumentException("frame payload of " + payload.length + " bytes is outside 1.." + MAX_FRAME_PAYLOAD);
        }
        byte[] frame = new byte[FRAME_OVERHEAD + payload.length];
        putInt(frame, 0, payload.length);
        System.arraycopy(payload, 0, frame, FRAME_OVERHEAD, payload.length);
        putInt(frame, 4, frameChecksum(frame, 0, payload.length));
        return frame;
    }

    /** crc32c over the 4 length bytes at {@code lengthAt} and the payload that follows the checksum. */
    static int frameChecksum(byte[] buf, int lengthAt, int payloadLength) {
        CRC32C crc = new CRC32C();
        crc.update(buf, lengthAt, 4);
        crc.update(buf, lengthAt + FRAME_OVERHEAD, payloadLength);
        return (int) crc.getValue();
    }

    static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    static int getInt(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }

    public static String openName(long batchId) {
        return String.format("%012d%s", batchId, OPEN_SUFFIX);
    }

    public static String sealedName(long batchId) {
        return String.format("%012d%s", batchId, SEALED_SUFFIX);
    }

    /** The batch id in a spool file name, or -1 when the name is not a spool file's. */
    public static long batchIdOf(Path file) {
        String name = file.getFileName().toString();
        int dot = name.indexOf('.');
        if (dot != 12) {
            return -1;
        }
        try {
            return Long.parseLong(name.substring(0, dot));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}

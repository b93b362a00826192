package io.gravix.rollup.columns;

/**
 * Reads the protobuf wire format from a byte range, with the same results as protobuf-java's
 * parser for the fields the rollup reads (varints truncated to 32 bits where the field is
 * 32-bit, little-endian fixed64, length-delimited slices) but without creating objects:
 * strings stay where they are, as offsets into the buffer.
 *
 * <p>Every read is bounds-checked against the range; malformed input throws
 * {@link MalformedRecordException}, never an index error.
 */
final class WireReader {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int START_GROUP = 3;
    static final int END_GROUP = 4;
    static final int FIXED32 = 5;

    private final byte[] buf;
    private int pos;
    private final int end;

    WireReader(byte[] buf, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > buf.length) {
            throw new MalformedRecordException("range " + offset + "+" + length + " outside a buffer of " + buf.length);
        }
        this.buf = buf;
        this.pos = offset;
        this.end = offset + length;
    }

    boolean atEnd() {
        return pos >= end;
    }

    int position() {
        return pos;
    }

    /**
     * The next tag (field number << 3 | wire type) as protobuf-java reads it: the low 32 bits
     * of the varint (a field number may be up to 2^29 - 1, so the int may be negative); field
     * number 0 is refused.
     */
    int readTag() {
        int tag = (int) readVarint64();
        if ((tag >>> 3) == 0) {
            throw new MalformedRecordException("invalid tag " + Integer.toUnsignedString(tag) + " at offset " + pos);
        }
        return tag;
    }

    long readVarint64() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) {
                throw new MalformedRecordException("truncated varint at offset " + pos);
            }
            byte b = buf[pos++];
            result |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw new MalformedRecordException("varint longer than 10 bytes at offset " + pos);
    }

    /** A 32-bit varint field (int32, uint32, enum): the low 32 bits, as protobuf-java reads it. */
    int readVarint32() {
        return (int) readVarint64();
    }

    long readFixed64() {
        if (end - pos < 8) {
            throw new MalformedRecordException("truncated fixed64 at offset " + pos);
        }
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (buf[pos + i] & 0xffL);
        }
        pos += 8;
        return v;
    }

    double readDouble() {
        return Double.longBitsToDouble(readFixed64());
    }

    /** Reads a length prefix and returns it; the slice starts at {@link #position()} and is skipped by {@link #skipBytes}. */
    int readLength() {
        int length = (int) readVarint64(); // protobuf-java keeps the low 32 bits too
        if (length < 0 || length > end - pos) {
            throw new MalformedRecordException("length " + length + " at offset " + pos + " runs past the end of its message");
        }
        return (int) length;
    }

    void skipBytes(int n) {
        pos += n;
    }

    /** Skips the value of a field this reader does not use, as protobuf-java keeps it as an unknown field. */
    void skipField(int tag) {
        switch (tag & 7) {
            case VARINT -> readVarint64();
            case FIXED64 -> skipFixed(8);
            case LENGTH_DELIMITED -> skipBytes(readLength());
            case START_GROUP -> skipGroup(tag >>> 3);
            case FIXED32 -> skipFixed(4);
            default -> throw new MalformedRecordException("invalid wire type " + (tag & 7) + " at offset " + pos);
        }
    }

    private void skipFixed(int n) {
        if (end - pos < n) {
            throw new MalformedRecordException("truncated fixed field at offset " + pos);
        }
        pos += n;
    }

    private void skipGroup(int fieldNumber) {
        while (true) {
            if (atEnd()) {
                throw new MalformedRecordException("group " + fieldNumber + " not closed");
            }
            int tag = readTag();
            if ((tag & 7) == END_GROUP) {
                if (tag >>> 3 != fieldNumber) {
                    throw new MalformedRecordException("group " + fieldNumber + " closed by the end of " + (tag >>> 3));
                }
                return;
            }
            skipField(tag);
        }
    }

    static int tag(int fieldNumber, int wireType) {
        return fieldNumber << 3 | wireType;
    }
}

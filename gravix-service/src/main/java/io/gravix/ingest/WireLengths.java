package io.gravix.ingest;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.util.List;

/**
 * Checks the tags and length prefixes of a protobuf batch before protobuf-java
 * parses it. protobuf-java reads them as 32-bit varints and drops the higher
 * bits (a string "of 2^32 + 8 bytes" is read as one of 8 bytes, and the rest of
 * its bytes as other fields): the client meant something else than what would be
 * stored. Here they are read as 64-bit values and must fit, and a length must fit
 * in what is left of the enclosing message. Values are not checked: protobuf's
 * own parse and the constraints do that.
 */
final class WireLengths {
    private static final long MAX_TAG = 0xFFFF_FFFFL;

    private WireLengths() {}

    /** Throws a 400 {@link IngestException} naming the event and field of the first bad tag or length. */
    static void check(byte[] body, Descriptor batchType) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(body);
        in.pushLimit(body.length);
        Descriptor eventType = batchType.findFieldByNumber(1).getMessageType();
        int events = 0;
        while (!in.isAtEnd()) {
            long tag = tag(in, -1, "");
            if (tag >>> 3 == 1 && WireFormat.getTagWireType((int) tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                int event = events++;
                int length = length(in, -1, "event " + event);
                int outer = in.pushLimit(length);
                walk(in, eventType, event, "");
                in.popLimit(outer);
            } else {
                skip(in, tag, -1, "field #" + (tag >>> 3));
            }
        }
    }

    /** Checks the fields of one message of {@code type} inside event {@code event}; {@code prefix} names the enclosing field. */
    private static void walk(CodedInputStream in, Descriptor type, int event, String prefix) throws IOException {
        while (!in.isAtEnd()) {
            long tag = tag(in, event, prefix);
            FieldDescriptor field = type.findFieldByNumber((int) (tag >>> 3));
            String name = prefix + (field == null ? "#" + (tag >>> 3) : field.getName());
            if (field != null && field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
                    && WireFormat.getTagWireType((int) tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                int length = length(in, event, name);
                int outer = in.pushLimit(length);
                walk(in, field.getMessageType(), event, name + ".");
                in.popLimit(outer);
            } else {
                skip(in, tag, event, name);
            }
        }
    }

    private static long tag(CodedInputStream in, int event, String prefix) throws IOException {
        long tag = in.readRawVarint64();
        if (tag > MAX_TAG) {
            throw refused(event, prefix + "tag", "field tag " + Long.toUnsignedString(tag) + " does not fit in 32 bits");
        }
        return tag;
    }

    private static void skip(CodedInputStream in, long tag, int event, String name) throws IOException {
        switch (WireFormat.getTagWireType((int) tag)) {
            case WireFormat.WIRETYPE_VARINT -> in.readRawVarint64();
            case WireFormat.WIRETYPE_FIXED64 -> in.skipRawBytes(8);
            case WireFormat.WIRETYPE_FIXED32 -> in.skipRawBytes(4);
            case WireFormat.WIRETYPE_LENGTH_DELIMITED -> in.skipRawBytes(length(in, event, name));
            default -> throw refused(event, name, "wire type " + WireFormat.getTagWireType((int) tag)
                    + " (group) is not used by gravix.v1 messages");
        }
    }

    private static int length(CodedInputStream in, int event, String name) throws IOException {
        long length = in.readRawVarint64();
        int left = in.getBytesUntilLimit();
        if (length < 0 || length > left) {
            throw refused(event, name, "length prefix " + Long.toUnsignedString(length)
                    + " is larger than the " + left + " bytes left in its message");
        }
        return (int) length;
    }

    private static IngestException refused(int event, String field, String message) {
        if (event < 0) {
            return IngestException.invalid("body is not a valid protobuf batch: " + field + ": " + message);
        }
        return IngestException.invalid("event " + event + " cannot be decoded: " + field + ": " + message,
                List.of(new IngestException.Detail(event, field, message)));
    }
}

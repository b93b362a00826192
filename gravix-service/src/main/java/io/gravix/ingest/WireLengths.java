package io.gravix.ingest;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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
    private static final Map<Descriptor, Shape> SHAPES = new ConcurrentHashMap<>();

    private WireLengths() {}

    /**
     * Which fields of a message type are messages themselves, by field number: looked
     * up once per type, not per field read (descriptor lookups cost as much as the parse).
     */
    private record Shape(Descriptor type, Shape[] messages) {
        static Shape of(Descriptor type) {
            Shape known = SHAPES.get(type);
            if (known != null) {
                return known;
            }
            int max = type.getFields().stream().mapToInt(FieldDescriptor::getNumber).max().orElse(0);
            Shape shape = new Shape(type, new Shape[max + 1]);
            for (FieldDescriptor f : type.getFields()) {
                if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                    shape.messages[f.getNumber()] = of(f.getMessageType());
                }
            }
            SHAPES.put(type, shape);
            return shape;
        }

        Shape message(long number) {
            return number < messages.length ? messages[(int) number] : null;
        }

        String name(long number) {
            FieldDescriptor f = number <= Integer.MAX_VALUE ? type.findFieldByNumber((int) number) : null;
            return f == null ? "#" + number : f.getName();
        }
    }

    /** A bad tag or length; the field path is built on the way out, so valid bodies allocate no names. */
    private static final class Refusal extends Exception {
        private String path;

        Refusal(String field, String message) {
            super(message, null, false, false);
            this.path = field;
        }

        Refusal within(String field) {
            path = path == null ? field : field + "." + path;
            return this;
        }
    }

    /** Throws a 400 {@link IngestException} naming the event and field of the first bad tag or length. */
    static void check(byte[] body, Descriptor batchType) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(body);
        in.pushLimit(body.length);
        Shape eventShape = Shape.of(batchType).message(1);
        int events = 0;
        while (!in.isAtEnd()) {
            try {
                long tag = tag(in);
                if (tag >>> 3 == 1 && WireFormat.getTagWireType((int) tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    int length = length(in);
                    int outer = in.pushLimit(length);
                    try {
                        walk(in, eventShape);
                    } catch (Refusal r) {
                        throw IngestException.invalid("event " + events + " cannot be decoded: " + r.path + ": " + r.getMessage(),
                                List.of(new IngestException.Detail(events, r.path, r.getMessage())));
                    }
                    in.popLimit(outer);
                    events++;
                } else {
                    skip(in, tag);
                }
            } catch (Refusal r) {
                String where = r.path == null ? "event " + events : r.path;
                throw IngestException.invalid("body is not a valid protobuf batch: " + where + ": " + r.getMessage());
            }
        }
    }

    /** Checks the fields of one message until the current limit. */
    private static void walk(CodedInputStream in, Shape shape) throws IOException, Refusal {
        while (!in.isAtEnd()) {
            long tag = tag(in);
            long number = tag >>> 3;
            try {
                Shape inner = shape.message(number);
                if (inner != null && WireFormat.getTagWireType((int) tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    int outer = in.pushLimit(length(in));
                    walk(in, inner);
                    in.popLimit(outer);
                } else {
                    skip(in, tag);
                }
            } catch (Refusal r) {
                throw r.within(shape.name(number));
            }
        }
    }

    private static long tag(CodedInputStream in) throws IOException, Refusal {
        long tag = in.readRawVarint64();
        if (tag > MAX_TAG) {
            throw new Refusal("tag", "field tag " + Long.toUnsignedString(tag) + " does not fit in 32 bits");
        }
        return tag;
    }

    private static void skip(CodedInputStream in, long tag) throws IOException, Refusal {
        switch (WireFormat.getTagWireType((int) tag)) {
            case WireFormat.WIRETYPE_VARINT -> in.readRawVarint64();
            case WireFormat.WIRETYPE_FIXED64 -> in.skipRawBytes(8);
            case WireFormat.WIRETYPE_FIXED32 -> in.skipRawBytes(4);
            case WireFormat.WIRETYPE_LENGTH_DELIMITED -> in.skipRawBytes(length(in));
            default -> throw new Refusal(null, "wire type " + WireFormat.getTagWireType((int) tag) + " (group) is not used by gravix.v1 messages");
        }
    }

    private static int length(CodedInputStream in) throws IOException, Refusal {
        long length = in.readRawVarint64();
        int left = in.getBytesUntilLimit();
        if (length < 0 || length > left) {
            throw new Refusal(null, "length prefix " + Long.toUnsignedString(length) + " is larger than the " + left
                    + " bytes left in its message");
        }
        return (int) length;
    }
}

package io.gravix.spool;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.gravix.api.spool.v1.RequestFactRecord;
import io.gravix.api.spool.v1.ServiceEventRecord;
import java.io.IOException;

/** Frame payloads: the per-table record messages of {@code gravix/spool/v1/spool_record.proto}. */
public final class SpoolRecords {
    private SpoolRecords() {}

    /** Tag of field 1 (the events), length-delimited: (1 << 3) | 2. */
    private static final int EVENTS_TAG = (1 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;

    /** Counts the events (field 1) in a record payload without decoding them; 0 if the payload is not a record. */
    static long countEvents(byte[] buf, int offset, int length) {
        CodedInputStream in = CodedInputStream.newInstance(buf, offset, length);
        long events = 0;
        try {
            for (int tag; (tag = in.readTag()) != 0; ) {
                if (tag == EVENTS_TAG) {
                    events++;
                }
                if (!in.skipField(tag)) {
                    break;
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return events;
    }

    public static RequestFactRecord parseRequestFacts(byte[] buf, int offset, int length) throws InvalidProtocolBufferException {
        return RequestFactRecord.parseFrom(java.nio.ByteBuffer.wrap(buf, offset, length));
    }

    public static ServiceEventRecord parseServiceEvents(byte[] buf, int offset, int length) throws InvalidProtocolBufferException {
        return ServiceEventRecord.parseFrom(java.nio.ByteBuffer.wrap(buf, offset, length));
    }
}

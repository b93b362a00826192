package io.gravix.rollup;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import io.gravix.api.spool.v1.RequestFactRecord;
import io.gravix.api.spool.v1.ServiceEventRecord;
import io.gravix.api.v1.RequestFact;
import io.gravix.api.v1.ServiceEvent;
import io.gravix.spool.SpoolRecords;
import io.gravix.spool.Table;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** What the rollup needs to know about one table's events: how to read a frame, name, order and write them. */
abstract class LakeTable<E> {
    static final LakeTable<RequestFact> REQUEST_FACTS = new LakeTable<>(Table.REQUEST_FACTS, RowOrder.REQUEST_FACTS) {
        @Override
        Frame<RequestFact> readFrame(byte[] buf, int offset, int length) throws InvalidProtocolBufferException {
            RequestFactRecord r = SpoolRecords.parseRequestFacts(buf, offset, length);
            return new Frame<>(r.getFactsList(), r.getSource(), r.getIngestedAtMicros());
        }

        @Override
        String eventId(RequestFact e) {
            return e.getEventId();
        }

        @Override
        Timestamp timestamp(RequestFact e) {
            return e.getTimestamp();
        }

        @Override
        ParquetEventWriter<RequestFact> openWriter(Path file, Map<String, String> fileMetadata) throws IOException {
            return ParquetEventWriter.requestFacts(file, fileMetadata);
        }
    };

    static final LakeTable<ServiceEvent> SERVICE_EVENTS = new LakeTable<>(Table.SERVICE_EVENTS, RowOrder.SERVICE_EVENTS) {
        @Override
        Frame<ServiceEvent> readFrame(byte[] buf, int offset, int length) throws InvalidProtocolBufferException {
            ServiceEventRecord r = SpoolRecords.parseServiceEvents(buf, offset, length);
            return new Frame<>(r.getEventsList(), r.getSource(), r.getIngestedAtMicros());
        }

        @Override
        String eventId(ServiceEvent e) {
            return e.getEventId();
        }

        @Override
        Timestamp timestamp(ServiceEvent e) {
            return e.getTimestamp();
        }

        @Override
        ParquetEventWriter<ServiceEvent> openWriter(Path file, Map<String, String> fileMetadata) throws IOException {
            return ParquetEventWriter.serviceEvents(file, fileMetadata);
        }
    };

    /** The events of one spool frame (one accepted request) and what the record says about them. */
    record Frame<E>(List<E> events, String source, long ingestedAtMicros) {}

    private final Table table;
    private final Comparator<EventRow<E>> order;

    private LakeTable(Table table, Comparator<EventRow<E>> order) {
        this.table = table;
        this.order = order;
    }

    static LakeTable<?> of(Table table) {
        return table == Table.REQUEST_FACTS ? REQUEST_FACTS : SERVICE_EVENTS;
    }

    Table table() {
        return table;
    }

    String name() {
        return table.tableName();
    }

    Comparator<EventRow<E>> order() {
        return order;
    }

    abstract Frame<E> readFrame(byte[] buf, int offset, int length) throws InvalidProtocolBufferException;

    abstract String eventId(E event);

    abstract Timestamp timestamp(E event);

    abstract ParquetEventWriter<E> openWriter(Path file, Map<String, String> fileMetadata) throws IOException;
}

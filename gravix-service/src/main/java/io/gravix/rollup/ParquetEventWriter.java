package io.gravix.rollup;

import static java.util.Objects.requireNonNull;

import io.gravix.api.spool.v1.RequestFactRecord;
import io.gravix.api.spool.v1.ServiceEventRecord;
import io.gravix.api.v1.RequestFact;
import io.gravix.api.v1.ServiceEvent;
import io.gravix.rollup.columns.ColumnarParquetWriter;
import io.gravix.rollup.columns.EventColumns;
import io.gravix.rollup.columns.MalformedRecordException;
import io.gravix.spool.Table;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;

/**
 * Writes Parquet files of the lake tables ({@link ParquetSchemas}) on the local disk with
 * parquet-mr's column API ({@link ColumnarParquetWriter}) and zstd-jni, with no Hadoop
 * class loaded.
 *
 * <p>The rollup writes a file from a run's columns in one call ({@link #writeFile}). For
 * everything else — tests, tools — an instance takes {@link EventRow}s one at a time, in the
 * order given, and writes the file on {@link #close()}.
 *
 * <p>A file is created new (an existing file is an error, not overwritten) and is not
 * fsynced: the caller hands the finished file to the ObjectStore, whose put makes it
 * durable and visible atomically. Its descriptor is released also when writing fails (a
 * full disk): parquet-mr leaves its stream open then, and a deleted temp file held open
 * keeps its blocks allocated.
 */
public final class ParquetEventWriter<E> implements Closeable {
    private final Path file;
    private final OutputFile target;
    private final Map<String, String> fileMetadata;
    private final RecordEncoder<E> encoder;
    private final EventColumns columns;
    private long rows;

    /** One event as the spool record of a request that carried only it. */
    private interface RecordEncoder<E> {
        byte[] encode(EventRow<E> row);
    }

    private ParquetEventWriter(Path file, Table table, RecordEncoder<E> encoder, OutputFile target, Map<String, String> fileMetadata)
            throws IOException {
        this.file = requireNonNull(file, "file is null");
        if (Files.exists(file)) {
            throw new FileAlreadyExistsException(file.toString());
        }
        this.target = target;
        this.fileMetadata = Map.copyOf(fileMetadata);
        this.encoder = encoder;
        this.columns = EventColumns.of(table, 0);
    }

    /**
     * Writes rows {@code rows[from, to)} of a run's sealed {@code columns} to a new file.
     *
     * @param fileMetadata key-value pairs for the footer (who wrote it: {@code gravix.instance}, {@code gravix.run})
     */
    static void writeFile(Path file, EventColumns columns, int[] rows, int from, int to, Map<String, String> fileMetadata)
            throws IOException {
        write(new LocalOutputFile(file), columns, rows, from, to, fileMetadata);
    }

    private static void write(OutputFile target, EventColumns columns, int[] rows, int from, int to, Map<String, String> metadata)
            throws IOException {
        StreamTrackingOutputFile output = new StreamTrackingOutputFile(target);
        try (ZstdCodecFactory codecs = new ZstdCodecFactory(ZstdCodecFactory.DEFAULT_LEVEL)) {
            ColumnarParquetWriter.write(columns, rows, from, to, output, metadata, codecs);
        } finally {
            output.closeStream();
        }
    }

    /** A new {@code request_facts} file at {@code file}, which must not exist. */
    public static ParquetEventWriter<RequestFact> requestFacts(Path file) throws IOException {
        return requestFacts(file, Map.of());
    }

    /** As {@link #requestFacts(Path)}, with {@code fileMetadata} in the footer's key-value metadata. */
    public static ParquetEventWriter<RequestFact> requestFacts(Path file, Map<String, String> fileMetadata) throws IOException {
        return requestFacts(file, new LocalOutputFile(file), fileMetadata);
    }

    /** For tests: a writer over any output (one that fails like a full disk, say). */
    static ParquetEventWriter<RequestFact> requestFacts(Path file, OutputFile target) throws IOException {
        return requestFacts(file, target, Map.of());
    }

    private static ParquetEventWriter<RequestFact> requestFacts(Path file, OutputFile target, Map<String, String> fileMetadata)
            throws IOException {
        return new ParquetEventWriter<>(file, Table.REQUEST_FACTS, row -> RequestFactRecord.newBuilder().addFacts(row.event())
                .setSource(row.source()).setIngestedAtMicros(row.ingestedAtMicros()).build().toByteArray(), target, fileMetadata);
    }

    /** A new {@code service_events} file at {@code file}, which must not exist. */
    public static ParquetEventWriter<ServiceEvent> serviceEvents(Path file) throws IOException {
        return serviceEvents(file, Map.of());
    }

    /** As {@link #serviceEvents(Path)}, with {@code fileMetadata} in the footer's key-value metadata. */
    public static ParquetEventWriter<ServiceEvent> serviceEvents(Path file, Map<String, String> fileMetadata) throws IOException {
        return new ParquetEventWriter<>(file, Table.SERVICE_EVENTS, row -> ServiceEventRecord.newBuilder().addEvents(row.event())
                .setSource(row.source()).setIngestedAtMicros(row.ingestedAtMicros()).build().toByteArray(),
                new LocalOutputFile(file), fileMetadata);
    }

    /** Appends one row. */
    public void write(EventRow<E> row) throws IOException {
        byte[] record = encoder.encode(row);
        try {
            columns.appendRecord(record, 0, record.length, row.batchId());
        } catch (MalformedRecordException e) {
            throw new IOException("cannot write event " + row + " to " + file + ": " + e.getMessage(), e);
        }
        rows++;
    }

    /** Rows written so far. */
    public long rows() {
        return rows;
    }

    public Path file() {
        return file;
    }

    /** Writes the file: every row in the order written, then the footer. */
    @Override
    public void close() throws IOException {
        columns.seal();
        int[] order = new int[columns.rows()];
        Arrays.setAll(order, i -> i);
        write(target, columns, order, 0, order.length, fileMetadata);
    }
}

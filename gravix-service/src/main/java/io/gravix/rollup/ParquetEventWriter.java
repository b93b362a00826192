package io.gravix.rollup;

import static java.util.Objects.requireNonNull;

import io.gravix.api.v1.RequestFact;
import io.gravix.api.v1.ServiceEvent;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;

/**
 * Writes one Parquet file of one lake table ({@link ParquetSchemas}) on the local disk,
 * with parquet-hadoop's writer but no Hadoop: a {@link LocalOutputFile}, a
 * {@link PlainParquetConfiguration} and {@link ZstdCodecFactory} (zstd-jni) mean no
 * Hadoop class is loaded on this path.
 *
 * <p>File layout: dictionary encoding on for every column (a column falls back by itself
 * when its dictionary passes {@link #DICTIONARY_PAGE_SIZE}, as {@code event_id} does);
 * Parquet v2 data pages, whose fallback encodings are DELTA_BYTE_ARRAY for strings and
 * DELTA_BINARY_PACKED for integers (far smaller than PLAIN for sorted timestamps and for
 * ids that share a prefix); ZSTD page compression. Rows are written in the order given —
 * the caller sorts them ({@link RowOrder}). A row group holds up to
 * {@link #ROW_GROUP_SIZE} bytes, so a file of 10^5..10^6 rows (~2.5..25 MB) is one row
 * group; its pages (at most {@link #PAGE_ROW_LIMIT} rows) carry column-index statistics
 * for page pruning.
 *
 * <p>The file is complete only after {@link #close()}; it is created new (an existing
 * file is an error, not overwritten). It is not fsynced: the caller hands the finished
 * file to the ObjectStore, whose put makes it durable and visible atomically. One thread
 * owns a writer.
 */
public final class ParquetEventWriter<E> implements Closeable {
    static final long ROW_GROUP_SIZE = 64L * 1024 * 1024;
    static final int PAGE_SIZE = 1024 * 1024;
    static final int PAGE_ROW_LIMIT = 20_000;
    static final int DICTIONARY_PAGE_SIZE = 1024 * 1024;

    private final Path file;
    private final StreamTrackingOutputFile output;
    private final ParquetWriter<EventRow<E>> writer;
    private long rows;

    private ParquetEventWriter(Path file, EventWriteSupport<E> writeSupport, OutputFile target) throws IOException {
        this.file = requireNonNull(file, "file is null");
        this.output = new StreamTrackingOutputFile(target);
        this.writer = new Builder<>(output, writeSupport)
                .withConf(new PlainParquetConfiguration())
                .withWriteMode(ParquetFileWriter.Mode.CREATE)
                .withCodecFactory(new ZstdCodecFactory(ZstdCodecFactory.DEFAULT_LEVEL))
                .withCompressionCodec(CompressionCodecName.ZSTD)
                .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_2_0)
                .withDictionaryEncoding(true)
                .withDictionaryPageSize(DICTIONARY_PAGE_SIZE)
                .withRowGroupSize(ROW_GROUP_SIZE)
                .withPageSize(PAGE_SIZE)
                .withPageRowCountLimit(PAGE_ROW_LIMIT)
                .withValidation(false)
                .build();
    }

    /** A new {@code request_facts} file at {@code file}, which must not exist. */
    public static ParquetEventWriter<RequestFact> requestFacts(Path file) throws IOException {
        return requestFacts(file, Map.of());
    }

    /** As {@link #requestFacts(Path)}, with {@code fileMetadata} in the footer's key-value metadata. */
    public static ParquetEventWriter<RequestFact> requestFacts(Path file, Map<String, String> fileMetadata) throws IOException {
        return new ParquetEventWriter<>(file, EventWriteSupport.requestFacts(fileMetadata), new LocalOutputFile(file));
    }

    /** A new {@code service_events} file at {@code file}, which must not exist. */
    public static ParquetEventWriter<ServiceEvent> serviceEvents(Path file) throws IOException {
        return serviceEvents(file, Map.of());
    }

    /** As {@link #serviceEvents(Path)}, with {@code fileMetadata} in the footer's key-value metadata. */
    public static ParquetEventWriter<ServiceEvent> serviceEvents(Path file, Map<String, String> fileMetadata) throws IOException {
        return new ParquetEventWriter<>(file, EventWriteSupport.serviceEvents(fileMetadata), new LocalOutputFile(file));
    }

    /** For tests: a writer over any output (one that fails like a full disk, say). */
    static ParquetEventWriter<RequestFact> requestFacts(Path file, OutputFile target) throws IOException {
        return new ParquetEventWriter<>(file, EventWriteSupport.requestFacts(Map.of()), target);
    }

    /** Appends one row. */
    public void write(EventRow<E> row) throws IOException {
        try {
            writer.write(row);
        } catch (RuntimeException e) {
            throw new IOException("cannot write event " + row + " to " + file, e);
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

    /**
     * Writes the footer and closes the file. The file descriptor is released also when
     * writing the footer fails (a full disk): parquet-mr leaves its stream open then, and
     * a deleted temp file held open keeps its blocks allocated.
     */
    @Override
    public void close() throws IOException {
        try {
            writer.close();
        } finally {
            output.closeStream();
        }
    }

    private static final class Builder<E> extends ParquetWriter.Builder<EventRow<E>, Builder<E>> {
        private final EventWriteSupport<E> writeSupport;

        Builder(OutputFile file, EventWriteSupport<E> writeSupport) {
            super(file);
            this.writeSupport = writeSupport;
        }

        @Override
        protected Builder<E> self() {
            return this;
        }

        @Override
        protected WriteSupport<EventRow<E>> getWriteSupport(ParquetConfiguration conf) {
            return writeSupport;
        }

        /** Hadoop's variant, never called: {@link #withConf(ParquetConfiguration)} is always set. */
        @Override
        protected WriteSupport<EventRow<E>> getWriteSupport(Configuration conf) {
            return writeSupport;
        }
    }
}

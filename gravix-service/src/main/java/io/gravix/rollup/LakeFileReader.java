package io.gravix.rollup;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.apache.parquet.HadoopFreeReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Reads the {@code event_id} column of a local lake file ({@link ParquetSchemas}) with
 * parquet-hadoop's {@link ParquetFileReader} and no Hadoop: a {@link LocalInputFile},
 * {@link HadoopFreeReadOptions} and {@link ZstdCodecFactory} for decompression.
 *
 * <p>Only the {@code event_id} column chunks are read from disk and decoded (the requested
 * schema is a projection to that one column); no other column is touched, so checking a
 * file costs about its id column's size, a fraction of the file. Rows come in file order.
 */
public final class LakeFileReader {
    static final String EVENT_ID = "event_id";

    private LakeFileReader() {}

    /**
     * Hands every row's {@code event_id} to {@code ids}, in file order; returns the row count.
     *
     * @throws IOException if the file is not Parquet, is damaged, or has no required string
     *         column {@code event_id}; the message names the file
     */
    public static long readEventIds(Path file, Consumer<String> ids) throws IOException {
        // The reader releases the codec factory (its zstd context) when it closes.
        try (ParquetFileReader reader = new ParquetFileReader(new LocalInputFile(file),
                HadoopFreeReadOptions.withCodecs(new ZstdCodecFactory(ZstdCodecFactory.DEFAULT_LEVEL)))) {
            MessageType projection = eventIdProjection(reader.getFooter().getFileMetaData().getSchema(), file);
            reader.setRequestedSchema(projection);
            ColumnDescriptor column = projection.getColumns().get(0);
            String createdBy = reader.getFooter().getFileMetaData().getCreatedBy();
            long rows = 0;
            for (PageReadStore rowGroup; (rowGroup = reader.readNextRowGroup()) != null; ) {
                ColumnReader values = new ColumnReadStoreImpl(rowGroup, new IgnoringConverter(), projection, createdBy)
                        .getColumnReader(column);
                // A required top-level column: one value per row, no repetition or definition levels to follow.
                for (long i = 0, n = values.getTotalValueCount(); i < n; i++) {
                    ids.accept(values.getBinary().toStringUsingUTF8());
                    values.consume();
                }
                rows += rowGroup.getRowCount();
            }
            return rows;
        } catch (RuntimeException e) {
            // parquet reports damaged files with unchecked exceptions (ParquetDecodingException and others)
            throw new IOException("cannot read event ids from " + file + ": " + e, e);
        }
    }

    private static MessageType eventIdProjection(MessageType schema, Path file) throws IOException {
        if (!schema.containsField(EVENT_ID)) {
            throw new IOException(file + " has no column " + EVENT_ID + " (schema " + schema.getName() + ")");
        }
        Type type = schema.getType(EVENT_ID);
        if (!type.isPrimitive() || type.asPrimitiveType().getPrimitiveTypeName() != PrimitiveType.PrimitiveTypeName.BINARY
                || !type.isRepetition(Type.Repetition.REQUIRED)) {
            throw new IOException(file + ": column " + EVENT_ID + " is " + type + ", not a required string");
        }
        return new MessageType(schema.getName(), type);
    }

    /** The column reader needs a converter to exist; values are taken with getBinary() instead. */
    private static final class IgnoringConverter extends GroupConverter {
        private final PrimitiveConverter column = new PrimitiveConverter() {};

        @Override
        public Converter getConverter(int fieldIndex) {
            return column;
        }

        @Override
        public void start() {}

        @Override
        public void end() {}
    }
}

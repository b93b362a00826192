package org.apache.parquet;

import java.util.Map;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.filter2.compat.FilterCompat;
import org.apache.parquet.format.converter.ParquetMetadataConverter;

/**
 * Builds {@link ParquetReadOptions} without loading a Hadoop class.
 *
 * <p>Why this class lives in parquet's package: in parquet-hadoop 1.18.1 every public way to
 * build read options needs Hadoop at run time. {@code ParquetReadOptions.Builder}'s
 * constructor, even given a {@link PlainParquetConfiguration}, creates a Hadoop-backed
 * {@code CodecFactory} (loads {@code org.apache.hadoop.io.compress.*}) and reads the record
 * filter through {@code ParquetInputFormat} (a Hadoop {@code FileInputFormat}), so it fails
 * with {@code NoClassDefFoundError} in the shaded jar, which has no Hadoop. The options'
 * package-private constructor takes every value directly; this is its one caller. A parquet
 * upgrade that changes that constructor breaks the build here, not a run.
 */
public final class HadoopFreeReadOptions {
    /** parquet's own default cap on one buffer allocation. */
    private static final int MAX_ALLOCATION_BYTES = 8 * 1024 * 1024;

    private HadoopFreeReadOptions() {}

    /**
     * Options for reading whole row groups: no filters of any kind (statistics, dictionary,
     * bloom, column index, record), page CRCs verified where the writer wrote them, heap
     * buffers, and {@code codecs} for decompression.
     */
    public static ParquetReadOptions withCodecs(CompressionCodecFactory codecs) {
        return new ParquetReadOptions(
                false, // useSignedStringMinMax
                false, // useStatsFilter
                false, // useDictionaryFilter
                false, // useRecordFilter
                false, // useColumnIndexFilter
                true, // usePageChecksumVerification
                false, // useBloomFilter
                false, // useOffHeapDecryptBuffer
                false, // useHadoopVectoredIo
                FilterCompat.NOOP,
                ParquetMetadataConverter.NO_FILTER,
                codecs,
                new HeapByteBufferAllocator(),
                MAX_ALLOCATION_BYTES,
                Map.of(),
                null, // no decryption
                null, // no metrics callback
                new PlainParquetConfiguration());
    }
}

package io.gravix.rollup.columns;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.bytes.BytesUtils;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageWriter;
import org.apache.parquet.column.statistics.SizeStatistics;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.column.statistics.geospatial.GeospatialStatistics;
import org.apache.parquet.column.values.plain.PlainValuesWriter;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridEncoder;
import org.apache.parquet.schema.PrimitiveType;

/**
 * One file's chunk of a {@link CodedStrings} column, written as pages straight to its
 * {@link PageWriter}: the file's dictionary is the run's codes in first-seen order (an
 * array lookup per value), page statistics come from the codes' ranks (an int compare per
 * value), and the page's ids go to parquet-mr's RLE/bit-packing encoder. parquet-mr's own
 * dictionary writer hashes and compares every value's bytes instead (measured: its map
 * lookups and binary statistics were over a quarter of the writers' time).
 *
 * <p>The bytes are the ones parquet-mr writes for the same values, decision for decision:
 * first-seen ids, each page's bit width from the dictionary size so far, PLAIN dictionary
 * page, RLE_DICTIONARY v2 data pages, the same statistics. Where parquet-mr would leave the
 * dictionary (its size over {@code maxDictionaryBytes}, or a first page the dictionary
 * does not shrink) {@link #open} answers null and the column goes through parquet-mr.
 */
final class DictionaryColumnChunk {
    private static final int MIN_SLAB_BYTES = 64;

    private final CodedStrings strings;
    private final PageWriter pages;
    private final PrimitiveType type;
    private final int maxDictionaryBytes;
    /** The run's code → the file's dictionary id + 1 (0: not in the file's dictionary yet). */
    private final int[] fileIdOfCode;
    private int[] codeOfFileId = new int[16];
    private int dictionarySize;
    private final int[] ids;
    /** The first page, encoded by {@link #open} to decide; written by the first {@link #writePage}. */
    private Page pendingFirstPage;

    private record Page(int rows, BytesInput data, Statistics<?> statistics, SizeStatistics sizes) {}

    private DictionaryColumnChunk(CodedStrings strings, PageWriter pages, ColumnDescriptor column, int maxDictionaryBytes, int pageRows) {
        this.strings = strings;
        this.pages = pages;
        this.type = column.getPrimitiveType();
        this.maxDictionaryBytes = maxDictionaryBytes;
        this.fileIdOfCode = new int[strings.values().length];
        this.ids = new int[pageRows];
    }

    /**
     * The chunk writer for {@code column}'s rows, its first page {@code rows[from, firstPageEnd)}
     * already encoded; null when parquet-mr would not dictionary-encode it (see the class).
     */
    static DictionaryColumnChunk open(CodedStrings strings, PageWriter pages, ColumnDescriptor column, int maxDictionaryBytes,
                                      int[] rows, int from, int firstPageEnd, PageScratch s) throws IOException {
        if (column.getMaxDefinitionLevel() != 0 || column.getMaxRepetitionLevel() != 0
                || dictionaryBytes(strings) > maxDictionaryBytes) {
            return null; // even the run's whole table fits, so no file's dictionary can outgrow the limit
        }
        DictionaryColumnChunk chunk = new DictionaryColumnChunk(strings, pages, column, maxDictionaryBytes,
                Math.max(1, firstPageEnd - from));
        Page first = chunk.encode(rows, from, firstPageEnd, s);
        long rawBytes = 4L * first.rows() + first.sizes().getUnencodedByteArrayDataBytes().orElseThrow();
        if (first.data().size() + chunk.fileDictionaryBytes() >= rawBytes) {
            return null; // parquet-mr's first-page test: the dictionary does not pay, PLAIN/DELTA instead
        }
        chunk.pendingFirstPage = first;
        return chunk;
    }

    /** Writes the page of {@code rows[from, to)}; pages come in row order, the first one being {@link #open}'s. */
    void writePage(int[] rows, int from, int to, PageScratch s) throws IOException {
        Page page = pendingFirstPage;
        pendingFirstPage = null;
        if (page == null) {
            page = encode(rows, from, to, s);
        }
        pages.writePageV2(page.rows(), 0, page.rows(), BytesInput.empty(), BytesInput.empty(), Encoding.RLE_DICTIONARY,
                page.data(), page.statistics(), page.sizes(), new GeospatialStatistics(null, null));
    }

    /** Ends the chunk: its dictionary page (the values in file id order). */
    void finish() throws IOException {
        int bytes = Math.toIntExact(fileDictionaryBytes());
        try (PlainValuesWriter plain = new PlainValuesWriter(Math.max(MIN_SLAB_BYTES, bytes), maxDictionaryBytes,
                new HeapByteBufferAllocator())) {
            for (int id = 0; id < dictionarySize; id++) {
                plain.writeBytes(strings.values()[codeOfFileId[id]]);
            }
            pages.writeDictionaryPage(new DictionaryPage(plain.getBytes(), dictionarySize, Encoding.PLAIN));
        }
    }

    private Page encode(int[] rows, int from, int to, PageScratch s) throws IOException {
        int n = to - from;
        int[] codes = s.ints;
        strings.codes().gather(rows, from, to, s, codes);
        int[] ranks = strings.ranks();
        int minCode = codes[0];
        int maxCode = codes[0];
        long valueBytes = 0;
        for (int i = 0; i < n; i++) {
            int code = codes[i];
            int id = fileIdOfCode[code] - 1;
            if (id < 0) {
                id = addToFileDictionary(code);
            }
            ids[i] = id;
            valueBytes += strings.values()[code].length();
            if (ranks[code] < ranks[minCode]) {
                minCode = code;
            } else if (ranks[code] > ranks[maxCode]) {
                maxCode = code;
            }
        }
        Statistics<?> statistics = Statistics.createStats(type);
        statistics.updateStats(strings.values()[minCode]);
        statistics.updateStats(strings.values()[maxCode]);
        return new Page(n, encodeIds(n), statistics, new SizeStatistics(type, valueBytes, new ArrayList<>(), new ArrayList<>()));
    }

    /** The page's ids as a v2 RLE_DICTIONARY page: a byte of bit width (from the dictionary so far), then the hybrid runs. */
    private BytesInput encodeIds(int n) throws IOException {
        int bitWidth = BytesUtils.getWidthFromMaxInt(dictionarySize - 1);
        try (RunLengthBitPackingHybridEncoder encoder = new RunLengthBitPackingHybridEncoder(bitWidth,
                Math.max(MIN_SLAB_BYTES, n * bitWidth / 8), maxDictionaryBytes, new HeapByteBufferAllocator())) {
            for (int i = 0; i < n; i++) {
                encoder.writeInt(ids[i]);
            }
            // copied: the encoder's buffers are released when it closes
            return BytesInput.from(BytesInput.concat(BytesInput.from(new byte[] {(byte) bitWidth}), encoder.toBytes()).toByteArray());
        }
    }

    private int addToFileDictionary(int code) {
        if (dictionarySize == codeOfFileId.length) {
            codeOfFileId = Arrays.copyOf(codeOfFileId, dictionarySize * 2);
        }
        codeOfFileId[dictionarySize] = code;
        fileIdOfCode[code] = ++dictionarySize;
        return dictionarySize - 1;
    }

    /** What parquet-mr counts for a dictionary: 4 bytes of length + the bytes, per entry. */
    private long fileDictionaryBytes() {
        long bytes = 0;
        for (int id = 0; id < dictionarySize; id++) {
            bytes += 4L + strings.values()[codeOfFileId[id]].length();
        }
        return bytes;
    }

    private static long dictionaryBytes(CodedStrings strings) {
        long bytes = 0;
        for (var value : strings.values()) {
            if (value != null) { // a code no row holds (a kind without a name)
                bytes += 4L + value.length();
            }
        }
        return bytes;
    }
}

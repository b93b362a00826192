package io.gravix.rollup;

import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Parquet page compression with zstd-jni directly. parquet-hadoop's own
 * {@code CodecFactory} goes through Hadoop's {@code CompressionCodec} classes (and so
 * needs hadoop-common at run time); this factory needs only zstd-jni, which keeps Hadoop
 * out of the shaded jar. Only {@link CompressionCodecName#ZSTD} is supported.
 *
 * <p>Not thread-safe, like every Parquet codec factory: one per writer. Close it when done
 * (a reader does: parquet-mr's reader releases its factory): its zstd contexts hold native
 * memory that nothing else frees.
 */
final class ZstdCodecFactory implements CompressionCodecFactory, AutoCloseable {
    /**
     * Level 1, not zstd's default 3: on lake files (pages of already dictionary- and
     * delta-encoded values) it measured the same rollup speed and 2–3 % smaller files
     * (bench/README.md, "Sustained after the seen-id index moved to disk").
     */
    static final int DEFAULT_LEVEL = 1;

    /**
     * zstd contexts made and not yet released. A context holds native memory that only its
     * {@code close()} frees (zstd-jni has no cleaner or finalizer): a compression context
     * measured ~235 KiB once it compressed a 1 MiB page.
     */
    private static final AtomicInteger OPEN_CONTEXTS = new AtomicInteger();
    /** zstd contexts made so far: tests check that work went through a factory at all. */
    private static final AtomicInteger MADE_CONTEXTS = new AtomicInteger();

    private final int level;
    private Compressor compressor;
    private Decompressor decompressor;

    ZstdCodecFactory(int level) {
        this.level = level;
    }

    /** zstd contexts made by factories and not yet released (for tests). */
    static int openContexts() {
        return OPEN_CONTEXTS.get();
    }

    /** zstd contexts made by factories so far (for tests). */
    static int madeContexts() {
        return MADE_CONTEXTS.get();
    }

    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codecName) {
        requireZstd(codecName);
        if (compressor == null) {
            compressor = new Compressor(level);
        }
        return compressor;
    }

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codecName) {
        requireZstd(codecName);
        if (decompressor == null) {
            decompressor = new Decompressor();
        }
        return decompressor;
    }

    /** As {@link #release()}: frees the native memory of the contexts made. */
    @Override
    public void close() {
        release();
    }

    /** Frees the contexts made, once each: they are forgotten here, and only this factory releases them. */
    @Override
    public void release() {
        if (compressor != null) {
            compressor.release();
            compressor = null;
        }
        if (decompressor != null) {
            decompressor.release();
            decompressor = null;
        }
    }

    private static void requireZstd(CompressionCodecName codecName) {
        if (codecName != CompressionCodecName.ZSTD) {
            throw new IllegalArgumentException("only ZSTD is supported, not " + codecName);
        }
    }

    private static final class Compressor implements BytesInputCompressor {
        private final ZstdCompressCtx ctx;

        Compressor(int level) {
            ctx = new ZstdCompressCtx();
            contextMade();
            ctx.setLevel(level);
        }

        @Override
        public BytesInput compress(BytesInput bytes) throws IOException {
            return BytesInput.from(ctx.compress(bytes.toByteArray()));
        }

        @Override
        public CompressionCodecName getCodecName() {
            return CompressionCodecName.ZSTD;
        }

        @Override
        public void release() {
            ctx.close();
            OPEN_CONTEXTS.decrementAndGet();
        }
    }

    private static void contextMade() {
        OPEN_CONTEXTS.incrementAndGet();
        MADE_CONTEXTS.incrementAndGet();
    }

    private static final class Decompressor implements BytesInputDecompressor {
        private final ZstdDecompressCtx ctx = new ZstdDecompressCtx();

        Decompressor() {
            contextMade();
        }

        @Override
        public BytesInput decompress(BytesInput bytes, int decompressedSize) throws IOException {
            return BytesInput.from(ctx.decompress(bytes.toByteArray(), decompressedSize));
        }

        @Override
        public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int decompressedSize) {
            byte[] src = new byte[compressedSize];
            input.get(src);
            output.put(ctx.decompress(src, decompressedSize));
        }

        @Override
        public void release() {
            ctx.close();
            OPEN_CONTEXTS.decrementAndGet();
        }
    }
}

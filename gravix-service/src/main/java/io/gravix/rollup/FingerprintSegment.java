package io.gravix.rollup;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * An immutable run of seen-id index entries — (fingerprint, id of the run that kept the
 * id), in unsigned fingerprint order — in a file on the data disk, read through a memory
 * map: the fingerprints of older ids live in the page cache, not the heap. The heap holds
 * a bucket directory of one int per ~64 entries (fingerprints are uniform, so the top bits
 * of one find its bucket, its next bits where in the bucket it sits).
 *
 * <p>The file is a cache of what SQLite holds ({@link SeenIds}): never fsynced, deleted at
 * start. Layout: all fingerprints (8 bytes each, native order), then all run ids.
 */
final class FingerprintSegment {
    /** A region is one mapping, and a mapping spans less than 2 GiB. */
    static final int MAX_ENTRIES = Integer.MAX_VALUE / Long.BYTES;
    private static final int ENTRIES_PER_BUCKET = 64;
    private static final int MAX_BUCKET_BITS = 22;
    private static final int WRITE_BUFFER_BYTES = 1 << 20;
    private static final MethodHandle UNMAP = unmapHandle();

    private final Path file;
    private final int size;
    private final MappedByteBuffer keysMap;
    private final MappedByteBuffer runsMap;
    private final LongBuffer keys;
    private final LongBuffer runs;
    private final int bucketShift;
    /** Entry index of the first entry of each bucket; one more for the end. */
    private final int[] bucketStarts;

    /** Receives entries in unsigned fingerprint order. */
    interface EntrySink {
        void accept(long fingerprint, long runId) throws IOException;
    }

    /** Produces exactly the announced number of entries, in unsigned fingerprint order. */
    interface EntrySource {
        void writeTo(EntrySink sink) throws IOException;
    }

    private FingerprintSegment(Path file, int size, FileChannel channel, int bucketBits, int[] bucketStarts) throws IOException {
        this.file = file;
        this.size = size;
        this.bucketShift = 64 - bucketBits;
        this.bucketStarts = bucketStarts;
        long regionBytes = (long) size * Long.BYTES;
        this.keysMap = channel.map(FileChannel.MapMode.READ_ONLY, 0, regionBytes);
        this.runsMap = channel.map(FileChannel.MapMode.READ_ONLY, regionBytes, regionBytes);
        this.keys = keysMap.order(ByteOrder.nativeOrder()).asLongBuffer();
        this.runs = runsMap.order(ByteOrder.nativeOrder()).asLongBuffer();
    }

    /** Writes {@code size} entries from {@code source} to a new {@code file} and maps it. */
    static FingerprintSegment write(Path file, int size, EntrySource source) throws IOException {
        if (size < 0 || size > MAX_ENTRIES) {
            throw new IllegalArgumentException("a segment holds 0.." + MAX_ENTRIES + " entries, not " + size);
        }
        int bucketBits = bucketBits(size);
        try (FileChannel channel = FileChannel.open(file, CREATE_NEW, READ, WRITE)) {
            SegmentWriter writer = new SegmentWriter(channel, size, bucketBits);
            source.writeTo(writer);
            int[] bucketStarts = writer.finish();
            return new FingerprintSegment(file, size, channel, bucketBits, bucketStarts);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /** Merges {@code parts} into one new segment in {@code file}; the parts stay as they are. */
    static FingerprintSegment merge(Path file, List<FingerprintSegment> parts) throws IOException {
        long sum = 0;
        for (FingerprintSegment part : parts) {
            sum += part.size;
        }
        if (sum > MAX_ENTRIES) {
            throw new IllegalArgumentException("merged segment would hold " + sum + " entries, more than " + MAX_ENTRIES);
        }
        int total = (int) sum;
        return write(file, total, sink -> {
            int[] next = new int[parts.size()];
            for (long left = total; left > 0; left--) {
                int min = -1;
                for (int p = 0; p < next.length; p++) {
                    if (next[p] < parts.get(p).size
                            && (min < 0 || Long.compareUnsigned(parts.get(p).key(next[p]), parts.get(min).key(next[min])) < 0)) {
                        min = p;
                    }
                }
                FingerprintSegment part = parts.get(min);
                sink.accept(part.key(next[min]), part.runId(next[min]));
                next[min]++;
            }
        });
    }

    /**
     * The index of the first entry with {@code fingerprint}, or -1; equal ones follow it.
     *
     * <p>Fingerprints are uniform, so within its bucket an entry sits about where its next
     * bits say: one probe at that estimate and a short walk (a few entries, one or two
     * cache lines of the mapped file) find it, where a binary search touched a line per
     * step. Any estimate gives the right answer; a good one only makes it fast.
     */
    int first(long fingerprint) {
        int bucket = (int) (fingerprint >>> bucketShift);
        int lo = bucketStarts[bucket];
        int end = bucketStarts[bucket + 1];
        int i = lo + estimatedOffset(fingerprint, end - lo);
        while (i > lo && Long.compareUnsigned(keys.get(i - 1), fingerprint) >= 0) {
            i--;
        }
        while (i < end && Long.compareUnsigned(keys.get(i), fingerprint) < 0) {
            i++;
        }
        return i < end && keys.get(i) == fingerprint ? i : -1;
    }

    /** Where in a bucket of {@code count} entries the fingerprint's bits below the bucket's put it. */
    private int estimatedOffset(long fingerprint, int count) {
        long withinBucket = fingerprint << (64 - bucketShift) >>> 32; // the next 32 bits, as a fraction of 2^32
        return (int) (withinBucket * count >>> 32);
    }

    long key(int i) {
        return keys.get(i);
    }

    long runId(int i) {
        return runs.get(i);
    }

    int size() {
        return size;
    }

    /** Heap it takes: the bucket directory. */
    long memoryBytes() {
        return 16L + 4L * bucketStarts.length;
    }

    long diskBytes() {
        return 16L * size;
    }

    /** Unmaps and deletes the file; the segment must not be used after. */
    void delete() {
        unmap(keysMap);
        unmap(runsMap);
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete seen-id segment " + file, e);
        }
    }

    @Override
    public String toString() {
        return "FingerprintSegment[" + file.getFileName() + ", " + size + " entries]";
    }

    private static int bucketBits(int size) {
        int bits = 64 - Long.numberOfLeadingZeros(Math.max(1, size / ENTRIES_PER_BUCKET));
        return Math.max(1, Math.min(MAX_BUCKET_BITS, bits)); // >= 1: a shift by 64 would shift by 0
    }

    /** Buffers fingerprints and run ids into their two regions and fills the bucket directory. */
    private static final class SegmentWriter implements EntrySink {
        private final FileChannel channel;
        private final int size;
        private final int bucketShift;
        private final int[] bucketStarts;
        private final ByteBuffer keyBuffer = ByteBuffer.allocateDirect(WRITE_BUFFER_BYTES).order(ByteOrder.nativeOrder());
        private final ByteBuffer runBuffer = ByteBuffer.allocateDirect(WRITE_BUFFER_BYTES).order(ByteOrder.nativeOrder());
        private long keyPosition;
        private long runPosition;
        private int written;
        private int lastBucket = -1;
        private long lastKey;

        SegmentWriter(FileChannel channel, int size, int bucketBits) {
            this.channel = channel;
            this.size = size;
            this.bucketShift = 64 - bucketBits;
            this.bucketStarts = new int[(1 << bucketBits) + 1];
            this.runPosition = (long) size * Long.BYTES;
        }

        @Override
        public void accept(long fingerprint, long runId) throws IOException {
            if (written == size) {
                throw new IllegalStateException("more entries than the " + size + " announced");
            }
            if (written > 0 && Long.compareUnsigned(fingerprint, lastKey) < 0) {
                throw new IllegalStateException("entries out of fingerprint order at entry " + written);
            }
            int bucket = (int) (fingerprint >>> bucketShift);
            while (lastBucket < bucket) {
                bucketStarts[++lastBucket] = written;
            }
            lastKey = fingerprint;
            keyBuffer.putLong(fingerprint);
            runBuffer.putLong(runId);
            written++;
            if (!keyBuffer.hasRemaining()) {
                flush();
            }
        }

        int[] finish() throws IOException {
            if (written != size) {
                throw new IllegalStateException(written + " entries written, " + size + " announced");
            }
            flush();
            while (lastBucket < bucketStarts.length - 1) {
                bucketStarts[++lastBucket] = written;
            }
            return bucketStarts;
        }

        private void flush() throws IOException {
            keyPosition += writeFully(keyBuffer, keyPosition);
            runPosition += writeFully(runBuffer, runPosition);
        }

        private long writeFully(ByteBuffer buffer, long position) throws IOException {
            buffer.flip();
            long n = 0;
            while (buffer.hasRemaining()) {
                n += channel.write(buffer, position + n);
            }
            buffer.clear();
            return n;
        }
    }

    /**
     * A mapping is released only when its buffer is collected, and until then holds the
     * deleted file's disk space: segments are replaced by merges often enough that waiting
     * for the collector would leak gigabytes. {@code Unsafe.invokeCleaner} releases it now.
     */
    private static void unmap(MappedByteBuffer buffer) {
        if (UNMAP != null) {
            try {
                UNMAP.invokeExact((ByteBuffer) buffer);
            } catch (Throwable e) {
                throw new IllegalStateException("cannot unmap a seen-id segment", e);
            }
        }
    }

    private static MethodHandle unmapHandle() {
        try {
            Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
            Field theUnsafe = unsafeClass.getDeclaredField("theUnsafe");
            theUnsafe.setAccessible(true);
            return MethodHandles.lookup()
                    .findVirtual(unsafeClass, "invokeCleaner", MethodType.methodType(void.class, ByteBuffer.class))
                    .bindTo(theUnsafe.get(null));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // no jdk.unsupported: mappings then go with their buffers
        }
    }
}

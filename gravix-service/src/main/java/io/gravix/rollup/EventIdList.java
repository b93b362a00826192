package io.gravix.rollup;

import com.github.luben.zstd.Zstd;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The stored form of a run's kept event ids (one blob per run in the seen-id index):
 * the ids sorted, each as a varint byte length and its UTF-8 bytes, the whole ZSTD
 * compressed behind a 4-byte big-endian uncompressed length. Sorted ids share long
 * prefixes, so a blob costs a few bytes per id.
 */
final class EventIdList {
    private EventIdList() {}

    /** Encodes {@code sortedIds}, which must be sorted ({@link String#compareTo}). */
    static byte[] encode(String[] sortedIds) {
        return encode(PackedIds.of(sortedIds));
    }

    /** Encodes packed ids, which must be sorted. */
    static byte[] encode(PackedIds ids) {
        byte[] raw = lengthPrefixed(ids);
        // compressed straight behind the header: no copy of the compressed bytes but the final trim
        byte[] blob = new byte[4 + (int) Zstd.compressBound(raw.length)];
        long compressed = Zstd.compressByteArray(blob, 4, blob.length - 4, raw, 0, raw.length, 3);
        if (Zstd.isError(compressed)) {
            throw new IllegalStateException("zstd cannot compress the run's ids: " + Zstd.getErrorName(compressed));
        }
        blob[0] = (byte) (raw.length >>> 24);
        blob[1] = (byte) (raw.length >>> 16);
        blob[2] = (byte) (raw.length >>> 8);
        blob[3] = (byte) raw.length;
        return Arrays.copyOf(blob, 4 + (int) compressed);
    }

    /** Each id as a varint byte length and its bytes, into an array of exactly their size. */
    private static byte[] lengthPrefixed(PackedIds ids) {
        long size = ids.data().length;
        for (int i = 0; i < ids.size(); i++) {
            size += varintSize(ids.start(i + 1) - ids.start(i));
        }
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("a run's ids take " + size + " bytes: more than one blob holds");
        }
        byte[] raw = new byte[(int) size];
        int at = 0;
        for (int i = 0; i < ids.size(); i++) {
            int n = ids.start(i + 1) - ids.start(i);
            for (int v = n; ; v >>>= 7) {
                if ((v & ~0x7f) == 0) {
                    raw[at++] = (byte) v;
                    break;
                }
                raw[at++] = (byte) ((v & 0x7f) | 0x80);
            }
            System.arraycopy(ids.data(), ids.start(i), raw, at, n);
            at += n;
        }
        return raw;
    }

    private static int varintSize(int n) {
        int bytes = 1;
        while ((n & ~0x7f) != 0) {
            n >>>= 7;
            bytes++;
        }
        return bytes;
    }

    /** The sorted ids of a blob made by {@link #encode}. */
    static String[] decode(byte[] blob) {
        int rawLength = ((blob[0] & 0xff) << 24) | ((blob[1] & 0xff) << 16) | ((blob[2] & 0xff) << 8) | (blob[3] & 0xff);
        byte[] raw = Zstd.decompress(Arrays.copyOfRange(blob, 4, blob.length), rawLength);
        String[] ids = new String[16];
        int count = 0;
        int pos = 0;
        while (pos < raw.length) {
            int n = 0;
            int shift = 0;
            int b;
            do {
                b = raw[pos++] & 0xff;
                n |= (b & 0x7f) << shift;
                shift += 7;
            } while ((b & 0x80) != 0);
            if (count == ids.length) {
                ids = Arrays.copyOf(ids, ids.length * 2);
            }
            ids[count++] = new String(raw, pos, n, StandardCharsets.UTF_8);
            pos += n;
        }
        return Arrays.copyOf(ids, count);
    }
}

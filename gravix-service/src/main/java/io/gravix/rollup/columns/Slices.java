package io.gravix.rollup.columns;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Hashing of byte slices (event ids, dictionary values) for the rollup's hash tables. */
public final class Slices {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long MULTIPLIER = 0x9e3779b97f4a7c15L;

    private Slices() {}

    /**
     * A 64-bit fingerprint of the bytes: eight bytes at a time multiplied in, then
     * MurmurHash3's finalizer so that every bit (a table index is the low bits) depends on
     * every byte. The seen-id index stores the fingerprints of ids it read from SQLite as
     * strings ({@code FingerprintMap.fingerprint}) and looks up ids still in spool bytes:
     * both are this function of the UTF-8 bytes.
     */
    public static long fingerprint(byte[] buf, int off, int len) {
        long h = len * MULTIPLIER;
        int i = off;
        for (int end = off + len - 7; i < end; i += 8) {
            h = (h ^ (long) LONGS.get(buf, i)) * MULTIPLIER;
            h ^= h >>> 29;
        }
        long tail = 0;
        for (int shift = 0; i < off + len; i++, shift += 8) {
            tail |= (buf[i] & 0xffL) << shift;
        }
        h = (h ^ tail) * MULTIPLIER;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    static int hash(byte[] buf, int off, int len) {
        return (int) fingerprint(buf, off, len);
    }
}

package io.gravix.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Bytes {@code [offset, offset + length)} of a file through positional reads on a
 * channel the caller owns (closing the stream leaves the channel open), so every
 * upload attempt of a part, and the SDK's signing pass, can read its slice afresh.
 * A file that ends before the slice does is an error, never a short upload.
 * Failures to read the file are {@link LocalFileException}s, so a put can tell them
 * from network errors once the SDK has wrapped them.
 */
final class FileSliceInputStream extends InputStream {
    private final FileChannel channel;
    private final Path file;
    private final long end;
    private long position;

    FileSliceInputStream(FileChannel channel, Path file, long offset, long length) {
        this.channel = channel;
        this.file = file;
        this.position = offset;
        this.end = offset + length;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (position >= end) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        int want = (int) Math.min(len, end - position);
        int n;
        try {
            n = channel.read(ByteBuffer.wrap(b, off, want), position);
        } catch (IOException e) {
            throw new LocalFileException("cannot read " + file + " at byte " + position + ": " + e, e);
        }
        if (n < 0) {
            throw new LocalFileException(file + " ended at byte " + position + " before byte " + end
                    + " of the part being uploaded: a finished file must not change while it is put", null);
        }
        position += n;
        return n;
    }

    @Override
    public long skip(long n) {
        long skipped = Math.max(0, Math.min(n, end - position));
        position += skipped;
        return skipped;
    }

    @Override
    public int available() {
        return (int) Math.min(Integer.MAX_VALUE, end - position);
    }

    /** The local file, not the store, failed. */
    static final class LocalFileException extends IOException {
        private static final long serialVersionUID = 1L;

        LocalFileException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}

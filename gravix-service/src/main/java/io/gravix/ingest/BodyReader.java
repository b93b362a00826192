package io.gravix.ingest;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads a request body into memory within the configured limits and undoes
 * {@code Content-Encoding: gzip}. Both the body as sent and the decompressed
 * body are bounded, so a gzip bomb stops at the limit instead of filling memory.
 */
final class BodyReader {
    private final long maxBody;
    private final long maxDecompressed;
    private final String maxBodyText;
    private final String maxDecompressedText;

    BodyReader(IngestConfig config) {
        this.maxBody = config.getMaxBodySize().toBytes();
        this.maxDecompressed = config.getMaxDecompressedSize().toBytes();
        this.maxBodyText = config.getMaxBodySize().toBytes() + " bytes (ingest.maxBodySize)";
        this.maxDecompressedText = config.getMaxDecompressedSize().toBytes() + " bytes (ingest.maxDecompressedSize)";
    }

    /** Whether the Content-Encoding is gzip; throws 415 for any other coding. */
    static boolean isGzip(String contentEncoding) {
        if (contentEncoding == null || contentEncoding.isBlank()) {
            return false;
        }
        String coding = contentEncoding.trim().toLowerCase(Locale.ROOT);
        if (coding.equals("gzip") || coding.equals("x-gzip")) {
            return true;
        }
        if (coding.equals("identity")) {
            return false;
        }
        throw IngestException.unsupported("Content-Encoding \"" + (coding.length() > 32 ? coding.substring(0, 32) : coding)
                + "\" is not supported: use gzip or none");
    }

    /** Refuses up front a body whose declared length is over the limit. */
    void checkDeclaredLength(long contentLength) {
        if (contentLength > maxBody) {
            throw IngestException.tooLarge("request body of " + contentLength + " bytes exceeds the limit of " + maxBodyText);
        }
    }

    byte[] read(InputStream in, long contentLength, boolean gzip) throws IOException {
        checkDeclaredLength(contentLength);
        byte[] raw = readBounded(in, contentLength > 0 ? (int) contentLength : 8192, maxBody,
                "request body exceeds the limit of " + maxBodyText);
        if (raw.length == 0) {
            throw IngestException.invalid("request body is empty");
        }
        if (!gzip) {
            return raw;
        }
        try (InputStream unzipped = new GZIPInputStream(new ByteArrayInputStream(raw), 8192)) {
            byte[] body = readBounded(unzipped, Math.min(raw.length * 8, 1 << 20), maxDecompressed,
                    "decompressed request body exceeds the limit of " + maxDecompressedText);
            if (body.length == 0) {
                throw IngestException.invalid("request body is empty after gzip decompression");
            }
            return body;
        } catch (ZipException | EOFException e) {
            throw IngestException.invalid("request body is not valid gzip (Content-Encoding: gzip): "
                    + (e.getMessage() == null ? "truncated stream" : e.getMessage()));
        }
    }

    private static byte[] readBounded(InputStream in, int initial, long limit, String overLimit) throws IOException {
        byte[] buf = new byte[(int) Math.min(Math.max(initial, 16), limit + 1)];
        int n = 0;
        while (true) {
            if (n == buf.length) {
                if (n > limit) {
                    throw IngestException.tooLarge(overLimit);
                }
                buf = Arrays.copyOf(buf, (int) Math.min((long) buf.length * 2, limit + 1));
            }
            int r = in.read(buf, n, buf.length - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        if (n > limit) {
            throw IngestException.tooLarge(overLimit);
        }
        return n == buf.length ? buf : Arrays.copyOf(buf, n);
    }
}

package io.gravix.ingest;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Locale;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Reads a request body into memory within the configured limits and undoes
 * {@code Content-Encoding: gzip} (every member of a multi-member stream; bytes
 * after the last member are refused). Both the body as sent and the decompressed
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
        byte[] body = gunzip(raw);
        if (body.length == 0) {
            throw IngestException.invalid("request body is empty after gzip decompression");
        }
        return body;
    }

    /**
     * Undoes gzip (RFC 1952) on a body in memory. A gzip stream is a series of members,
     * and like {@code gunzip} the body is all of them, one after the other; anything
     * after the last member that is not a member (the JDK's GZIPInputStream ignores it)
     * makes the body invalid: the client sent something else than what it says.
     */
    private byte[] gunzip(byte[] raw) {
        try (InputStream unzipped = GzipCompressorInputStream.builder()
                .setInputStream(new ByteArrayInputStream(raw))
                .setDecompressConcatenated(true)
                .get()) {
            return readBounded(unzipped, Math.min(raw.length * 8, 1 << 20), maxDecompressed,
                    "decompressed request body exceeds the limit of " + maxDecompressedText);
        } catch (EOFException e) {
            throw notGzip("the stream ends in the middle of a member");
        } catch (IOException e) {
            // The input is in memory: every IOException is about its bytes.
            throw notGzip(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    private static IngestException notGzip(String why) {
        return IngestException.invalid("request body is not valid gzip (Content-Encoding: gzip): " + why);
    }

    private static byte[] readBounded(InputStream in, int initial, long limit, String overLimit) throws IOException {
        byte[] buf = new byte[(int) Math.min(Math.max(initial, 16), limit + 1)];
        int n = 0;
        while (true) {
            if (n == buf.length) {
                if (n > limit) {
                    throw IngestException.tooLarge(overLimit);
                }
                // Full, as it is after exactly Content-Length bytes: grow only if more follow
                // (a body read into one array of its size is one allocation, not three).
                int next = in.read();
                if (next < 0) {
                    break;
                }
                buf = Arrays.copyOf(buf, (int) Math.min((long) buf.length * 2, limit + 1));
                buf[n++] = (byte) next;
                continue;
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

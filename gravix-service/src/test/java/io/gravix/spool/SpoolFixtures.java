package io.gravix.spool;

import com.google.protobuf.Timestamp;
import io.gravix.api.spool.v1.RequestFactRecord;
import io.gravix.api.v1.RequestFact;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Builds spool payloads, frames and files byte by byte, for the spool tests. */
final class SpoolFixtures {
    static final long CREATED_AT = 1_795_947_330_000L;

    private SpoolFixtures() {}

    /** A RequestFactRecord payload holding {@code events} facts whose ids start with {@code tag}. */
    static byte[] payload(String tag, int events) {
        RequestFactRecord.Builder record = RequestFactRecord.newBuilder().setSource("tests").setIngestedAtMicros(CREATED_AT * 1000);
        for (int i = 0; i < events; i++) {
            record.addFacts(RequestFact.newBuilder()
                    .setEventId(tag + "-" + i)
                    .setTimestamp(Timestamp.newBuilder().setSeconds(CREATED_AT / 1000))
                    .setService("checkout")
                    .setRoute("/v1/orders/{id}")
                    .setMethod("POST")
                    .setStatusCode(201)
                    .setDurationMs(12.5));
        }
        return record.build().toByteArray();
    }

    static byte[] frame(String tag, int events) {
        return SpoolFile.encodeFrame(payload(tag, events));
    }

    /** A spool file image: header followed by {@code frames}. */
    static byte[] file(Table table, long batchId, List<byte[]> frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(SpoolFile.encodeHeader(table, batchId, CREATED_AT));
        frames.forEach(out::writeBytes);
        return out.toByteArray();
    }

    /** Offsets at which each frame of {@code frames} starts in a file, plus the end of the last one. */
    static List<Long> boundaries(List<byte[]> frames) {
        List<Long> offsets = new ArrayList<>();
        long pos = SpoolFile.HEADER_SIZE;
        for (byte[] f : frames) {
            offsets.add(pos);
            pos += f.length;
        }
        offsets.add(pos);
        return offsets;
    }

    static Path write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.write(file, bytes);
    }

    /** Index of {@code needle} in {@code haystack}, or -1. */
    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}

package io.gravix.spool;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.gravix.api.spool.v1.RequestFactRecord;
import io.gravix.api.spool.v1.ServiceEventRecord;
import io.gravix.index.BatchIndex;
import io.gravix.index.BatchRecord;
import io.gravix.index.BatchState;
import io.gravix.spool.IngestClient.SentRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Everything in a data directory's spool, read the way rollup will read it:
 * every file under {@code <data>/spool/<table>/} scanned with
 * {@link SpoolFileScanner}, every valid frame decoded with {@link SpoolRecords}.
 * Read only while no Gravix writes to the directory (stopped, or just started
 * and not yet sent anything: the writer opens files lazily).
 */
final class SpoolSnapshot {

    /** One valid frame: every event of one accepted request, in request order. */
    record Frame(Table table, Path file, long offset, String source, long ingestedAtMicros, List<? extends Message> events) {
        String key() {
            return IngestClient.eventId(events.get(0));
        }
    }

    /** One file and what its scan found; {@code result} is null when the header is unreadable ({@code problem}). */
    record FileScan(Table table, Path file, SpoolFileScanner.Result result, String problem) {}

    private final Path dataDir;
    private final List<FileScan> files;
    private final List<Frame> frames;

    private SpoolSnapshot(Path dataDir, List<FileScan> files, List<Frame> frames) {
        this.dataDir = dataDir;
        this.files = List.copyOf(files);
        this.frames = List.copyOf(frames);
    }

    static SpoolSnapshot read(Path dataDir) throws IOException {
        List<FileScan> files = new ArrayList<>();
        List<Frame> frames = new ArrayList<>();
        for (Table table : Table.values()) {
            Path dir = dataDir.resolve("spool").resolve(table.tableName());
            if (!Files.isDirectory(dir)) {
                continue;
            }
            List<Path> paths;
            try (Stream<Path> s = Files.list(dir)) {
                paths = s.sorted().collect(Collectors.toList());
            }
            for (Path file : paths) {
                try {
                    SpoolFileScanner.Result result = SpoolFileScanner.scan(file,
                            (offset, buf, payloadOffset, payloadLength) -> frames.add(decode(table, file, offset, buf, payloadOffset, payloadLength)));
                    files.add(new FileScan(table, file, result, null));
                } catch (SpoolFormatException e) {
                    files.add(new FileScan(table, file, null, e.getMessage()));
                }
            }
        }
        return new SpoolSnapshot(dataDir, files, frames);
    }

    private static Frame decode(Table table, Path file, long offset, byte[] buf, int payloadOffset, int payloadLength) {
        try {
            if (table == Table.REQUEST_FACTS) {
                RequestFactRecord r = SpoolRecords.parseRequestFacts(buf, payloadOffset, payloadLength);
                return new Frame(table, file, offset, r.getSource(), r.getIngestedAtMicros(), r.getFactsList());
            }
            ServiceEventRecord r = SpoolRecords.parseServiceEvents(buf, payloadOffset, payloadLength);
            return new Frame(table, file, offset, r.getSource(), r.getIngestedAtMicros(), r.getEventsList());
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError("frame at " + file + ":" + offset + " has a valid checksum but is not a " + table + " record", e);
        }
    }

    List<FileScan> files() {
        return files;
    }

    List<Frame> frames() {
        return frames;
    }

    long events() {
        return frames.stream().mapToLong(f -> f.events().size()).sum();
    }

    List<FileScan> openFiles() {
        return files.stream().filter(f -> f.file().getFileName().toString().endsWith(".open")).collect(Collectors.toList());
    }

    /** Bytes after the last valid frame of every scanned file: what recovery has to cut. */
    long tailBytes() {
        return files.stream().filter(f -> f.result() != null).mapToLong(f -> f.result().tailBytes()).sum();
    }

    Set<String> requestKeys() {
        return frames.stream().map(Frame::key).collect(Collectors.toSet());
    }

    /**
     * Recovery's (and a clean stop's) promise: only sealed spool files, each with
     * a readable header naming its table and batch id, at least one frame, and
     * nothing after its last valid frame.
     */
    void assertAllSealedAndClean() {
        for (FileScan f : files) {
            String name = f.file().getFileName().toString();
            assertThat(name).as("file in %s", f.file().getParent()).matches("\\d{12}\\.sealed");
            assertThat(f.problem()).as("header of %s", f.file()).isNull();
            assertThat(f.result().tail()).as("what follows the last frame of %s (%s)", f.file(), f.result()).isEqualTo(SpoolFileScanner.Tail.CLEAN);
            assertThat(f.result().header().table()).as("table in the header of %s", f.file()).isEqualTo(f.table());
            assertThat(f.result().header().batchId()).as("batch id in the header of %s", f.file()).isEqualTo(SpoolFile.batchIdOf(f.file()));
            assertThat(f.result().frames()).as("frames in %s (empty files are deleted, never sealed)", f.file()).isPositive();
        }
    }

    /**
     * The durability contract, checked frame by frame:
     * <ul>
     *   <li>every frame holds exactly the events of one request that a client sent,
     *       all of them, in order, equal as protobuf messages (atomicity and fidelity),
     *       stored with the API key's name as source;
     *   <li>no request appears in two frames (nothing was retried, so nothing may be doubled);
     *   <li>every acknowledged request is there.
     * </ul>
     * Requests that were sent but not acknowledged may or may not be present.
     */
    void assertHoldsEveryAcknowledgedRequest(Collection<SentRequest> acknowledged, Collection<SentRequest> sent) {
        Map<String, SentRequest> sentByKey = new HashMap<>();
        for (SentRequest r : sent) {
            assertThat(sentByKey.put(r.key(), r)).as("two requests start with event id %s", r.key()).isNull();
        }
        Set<String> present = new HashSet<>();
        for (Frame frame : frames) {
            String where = frame.file() + " at offset " + frame.offset();
            SentRequest request = sentByKey.get(frame.key());
            assertThat(request).as("frame %s starts with event %s, which no request began with", where, frame.key()).isNotNull();
            assertThat(frame.table()).as("table of the frame %s", where).isEqualTo(request.table());
            assertThat(frame.events()).as("events of the frame %s, sent as %s", where, request).isEqualTo(request.events());
            assertThat(frame.source()).as("source of the frame %s", where).isEqualTo(GravixProcess.API_KEY_NAME);
            assertThat(frame.ingestedAtMicros()).as("ingest time of the frame %s", where).isPositive();
            assertThat(present.add(frame.key())).as("request %s appears in more than one frame (second at %s)", request, where).isTrue();
        }
        List<SentRequest> missing = acknowledged.stream().filter(r -> !present.contains(r.key())).collect(Collectors.toList());
        assertThat(missing).as("acknowledged (202) requests missing from the spool under %s", dataDir).isEmpty();
    }

    /**
     * The batch index agrees with the files: one SEALED row per sealed file with
     * its size, frame and event counts, and no OPEN row. Opens the index, so call
     * it only when Gravix is stopped.
     */
    void assertIndexAgrees() throws IOException {
        Map<Long, FileScan> sealedFiles = new TreeMap<>();
        for (FileScan f : files) {
            sealedFiles.put(SpoolFile.batchIdOf(f.file()), f);
        }
        try (BatchIndex index = BatchIndex.open(dataDir.resolve("index.db"))) {
            assertThat(index.list(BatchState.OPEN)).as("OPEN batches in the index after a stop").isEmpty();
            Map<Long, BatchRecord> rows = index.list(BatchState.SEALED).stream()
                    .collect(Collectors.toMap(BatchRecord::id, r -> r, (a, b) -> a, TreeMap::new));
            assertThat(rows.keySet()).as("SEALED batches in the index vs sealed files").isEqualTo(sealedFiles.keySet());
            for (FileScan f : sealedFiles.values()) {
                BatchRecord row = rows.get(SpoolFile.batchIdOf(f.file()));
                long events = frames.stream().filter(fr -> fr.file().equals(f.file())).mapToLong(fr -> fr.events().size()).sum();
                assertThat(row.table()).as("table of %s", row).isEqualTo(f.table().tableName());
                assertThat(row.bytes()).as("bytes of %s", row).isEqualTo(f.result().fileSize());
                assertThat(row.frames()).as("frames of %s", row).isEqualTo(f.result().frames());
                assertThat(row.events()).as("events of %s", row).isEqualTo(events);
            }
        }
    }

    @Override
    public String toString() {
        return files.size() + " files (" + openFiles().size() + " open), " + frames.size() + " frames, " + events() + " events";
    }
}

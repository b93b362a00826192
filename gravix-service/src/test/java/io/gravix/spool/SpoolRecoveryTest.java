package io.gravix.spool;

import static io.gravix.spool.SpoolFixtures.CREATED_AT;
import static io.gravix.spool.SpoolFixtures.boundaries;
import static io.gravix.spool.SpoolFixtures.file;
import static io.gravix.spool.SpoolFixtures.frame;
import static io.gravix.spool.SpoolFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.gravix.index.BatchIndex;
import io.gravix.index.BatchRecord;
import io.gravix.index.BatchState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Start-up recovery against every crash state it promises to handle: the torn tail of
 * a write cut at any byte, garbage or zeros after a clean end, damage with valid frames
 * after it, interrupted seals, orphan index rows, and files too short to matter.
 */
class SpoolRecoveryTest {
    private static final long SEALED_AT = 1_800_000_000_000L;
    private static final String TABLE = Table.REQUEST_FACTS.tableName();

    @TempDir
    Path tmp;

    private BatchIndex index;
    private SpoolRecovery recovery;

    /** Frames of different sizes and event counts; the last two are the ones cut. */
    private final List<byte[]> frames = List.of(frame("a", 4), frame("b", 1), frame("c", 2), frame("d", 3), frame("e", 1));
    private final int[] events = {4, 1, 2, 3, 1};
    private final List<Long> bounds = boundaries(frames);

    @BeforeEach
    void openIndex() throws IOException {
        index = BatchIndex.open(tmp.resolve("index.db"));
        recovery = new SpoolRecovery(index, Clock.fixed(Instant.ofEpochMilli(SEALED_AT), ZoneOffset.UTC));
    }

    @AfterEach
    void closeIndex() {
        index.close();
    }

    /** A spool file left by a crash: an OPEN row in the index and {@code bytes} in {@code <id>.open}. */
    private long crashedOpenFile(Path dir, byte[] image) throws IOException {
        long id = index.createOpenBatch(TABLE, CREATED_AT);
        byte[] bytes = image.clone();
        // the image was built for batch 1; give it this batch's header
        System.arraycopy(SpoolFile.encodeHeader(Table.REQUEST_FACTS, id, CREATED_AT), 0, bytes, 0, Math.min(bytes.length, SpoolFile.HEADER_SIZE));
        write(dir.resolve(SpoolFile.openName(id)), bytes);
        return id;
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private int completeFramesBefore(long offset) {
        int n = 0;
        while (n < frames.size() && bounds.get(n + 1) <= offset) {
            n++;
        }
        return n;
    }

    private long eventsIn(int frameCount) {
        return Arrays.stream(events, 0, frameCount).sum();
    }

    private void assertSealedExactly(Path dir, long id, byte[] image, int frameCount) throws IOException {
        long validEnd = bounds.get(frameCount);
        assertThat(names(dir)).containsExactly(SpoolFile.sealedName(id));
        byte[] sealed = Files.readAllBytes(dir.resolve(SpoolFile.sealedName(id)));
        byte[] expected = Arrays.copyOf(image, (int) validEnd);
        System.arraycopy(SpoolFile.encodeHeader(Table.REQUEST_FACTS, id, CREATED_AT), 0, expected, 0, SpoolFile.HEADER_SIZE);
        assertThat(sealed).isEqualTo(expected);
        assertThat(index.find(id)).contains(new BatchRecord(id, TABLE, BatchState.SEALED, CREATED_AT, SEALED_AT,
                validEnd, frameCount, eventsIn(frameCount)));
        SpoolFileScanner.Result rescan = SpoolFileScanner.scan(dir.resolve(SpoolFile.sealedName(id)), null);
        assertThat(rescan.tail()).isEqualTo(SpoolFileScanner.Tail.CLEAN);
        assertThat(rescan.frames()).isEqualTo(frameCount);
    }

    @Test
    void aWriteCutAtAnyByteOfTheLastTwoFramesIsTruncatedToTheCompleteFramesAndSealed() throws IOException {
        byte[] image = file(Table.REQUEST_FACTS, 1, frames);
        long from = bounds.get(frames.size() - 2);
        int checked = 0;
        for (long cut = from; cut <= image.length; cut++) {
            Path dir = tmp.resolve("cut-" + cut);
            long id = crashedOpenFile(dir, Arrays.copyOf(image, (int) cut));
            int complete = completeFramesBefore(cut);

            SpoolRecovery.Report report = recovery.recover(Table.REQUEST_FACTS, dir);

            assertThat(report).as("cut at %d", cut).isEqualTo(new SpoolRecovery.Report(1, 0, cut - bounds.get(complete), 0, 0, 0));
            assertSealedExactly(dir, id, image, complete);
            checked++;
        }
        assertThat(checked).isGreaterThan(frames.get(3).length + frames.get(4).length);
    }

    @Test
    void garbageOrZerosAfterACleanEndAreTruncated() throws IOException {
        byte[] image = file(Table.REQUEST_FACTS, 1, frames);
        Random random = new Random(5);
        int n = 0;
        for (int length : new int[] {1, 3, 4, 7, 8, 9, 100, 4096}) {
            for (boolean zeros : new boolean[] {true, false}) {
                byte[] extra = new byte[length];
                if (!zeros) {
                    random.nextBytes(extra);
                }
                byte[] bytes = Arrays.copyOf(image, image.length + length);
                System.arraycopy(extra, 0, bytes, image.length, length);
                Path dir = tmp.resolve("extra-" + n++);
                long id = crashedOpenFile(dir, bytes);

                SpoolRecovery.Report report = recovery.recover(Table.REQUEST_FACTS, dir);

                assertThat(report.tornBytesTruncated()).as("%d %s", length, zeros ? "zeros" : "random bytes").isEqualTo(length);
                assertThat(report.openFilesSealed()).isEqualTo(1);
                assertSealedExactly(dir, id, image, frames.size());
            }
        }
    }

    @Test
    void aCleanOpenFileIsSealedWithNothingCut() throws IOException {
        Path dir = tmp.resolve("spool");
        byte[] image = file(Table.REQUEST_FACTS, 1, frames);
        long id = crashedOpenFile(dir, image);
        assertThat(recovery.recover(Table.REQUEST_FACTS, dir)).isEqualTo(new SpoolRecovery.Report(1, 0, 0, 0, 0, 0));
        assertSealedExactly(dir, id, image, frames.size());
    }

    @Test
    void aLostPageInsideTheLastWriteFollowedByIntactFramesIsATornTailNotCorruption() throws IOException {
        // Power loss: frames a, b forced; c, d, e written by one write that no force covered. The disk
        // kept d and e but lost (zeroed) the bytes of c: intact-looking frames after damage, none acknowledged.
        Path dir = tmp.resolve("spool");
        byte[] image = file(Table.REQUEST_FACTS, 1, frames);
        Arrays.fill(image, (int) (long) bounds.get(2), (int) (long) bounds.get(3), (byte) 0);
        long id = crashedOpenFile(dir, image);
        long lastWrite = bounds.get(5) - bounds.get(2); // flushMaxBytes at least c + d: e was the write's last frame
        recovery = new SpoolRecovery(index, Clock.fixed(Instant.ofEpochMilli(SEALED_AT), ZoneOffset.UTC), lastWrite,
                SpoolStorage.PRODUCTION);

        SpoolRecovery.Report report = recovery.recover(Table.REQUEST_FACTS, dir);

        assertThat(report).isEqualTo(new SpoolRecovery.Report(1, 0, bounds.get(5) - bounds.get(2), 0, 0, 0));
        assertThat(names(dir)).containsExactly(SpoolFile.sealedName(id));
        assertThat(Files.readAllBytes(dir.resolve(SpoolFile.sealedName(id))))
                .isEqualTo(Arrays.copyOf(image, (int) (long) bounds.get(2)));
        assertThat(index.find(id)).contains(new BatchRecord(id, TABLE, BatchState.SEALED, CREATED_AT, SEALED_AT,
                bounds.get(2), 2, eventsIn(2)));
    }

    @Test
    void aDamagedOpenFileWithAValidFrameBeyondOneWriteAfterTheDamageIsSealedUntouched() throws IOException {
        Path dir = tmp.resolve("spool");
        byte[] image = file(Table.REQUEST_FACTS, 1, frames);
        image[(int) (bounds.get(2) + SpoolFile.FRAME_OVERHEAD + 1)] ^= 0x10;
        long id = crashedOpenFile(dir, image);
        byte[] before = Files.readAllBytes(dir.resolve(SpoolFile.openName(id)));
        // A writer whose writes are at most one frame (flushMaxBytes of 1 byte): frame d cannot
        // belong to the write that frame c, damaged, was part of, so d may be acknowledged.
        long oneFrameWrites = 1;
        recovery = new SpoolRecovery(index, Clock.fixed(Instant.ofEpochMilli(SEALED_AT), ZoneOffset.UTC), oneFrameWrites,
                SpoolStorage.PRODUCTION);

        SpoolRecovery.Report report = recovery.recover(Table.REQUEST_FACTS, dir);

        assertThat(report).isEqualTo(new SpoolRecovery.Report(1, 0, 0, 0, 1, 0));
        assertThat(names(dir)).containsExactly(SpoolFile.sealedName(id));
        assertThat(Files.readAllBytes(dir.resolve(SpoolFile.sealedName(id)))).isEqualTo(before);
        // counts cover the frames before the damage; the bytes are the whole file (rollup sends it to the DLQ)
        assertThat(index.find(id)).contains(new BatchRecord(id, TABLE, BatchState.SEALED, CREATED_AT, SEALED_AT,
                before.length, 2, eventsIn(2)));
    }

    @Test
    void anOpenFileShorterThanAHeaderIsDeletedWithItsRow() throws IOException {
        byte[] image = file(Table.REQUEST_FACTS, 1, frames);
        for (int length : new int[] {0, 1, SpoolFile.HEADER_SIZE - 1}) {
            Path dir = tmp.resolve("short-" + length);
            long id = index.createOpenBatch(TABLE, CREATED_AT);
            write(dir.resolve(SpoolFile.openName(id)), Arrays.copyOf(image, length));

            assertThat(recovery.recover(Table.REQUEST_FACTS, dir)).isEqualTo(new SpoolRecovery.Report(0, 1, 0, 0, 0, 0));
            assertThat(names(dir)).isEmpty();
            assertThat(index.find(id)).isEmpty();
        }
    }

    @Test
    void anOpenFileWithOnlyAHeaderIsDeletedWithItsRow() throws IOException {
        Path dir = tmp.resolve("spool");
        long id = crashedOpenFile(dir, file(Table.REQUEST_FACTS, 1, List.of()));
        assertThat(recovery.recover(Table.REQUEST_FACTS, dir)).isEqualTo(new SpoolRecovery.Report(0, 1, 0, 0, 0, 0));
        assertThat(names(dir)).isEmpty();
        assertThat(index.find(id)).isEmpty();
    }

    @Test
    void anOpenFileWithAHeaderAndATornFirstFrameIsDeletedWithItsRow() throws IOException {
        Path dir = tmp.resolve("spool");
        byte[] image = file(Table.REQUEST_FACTS, 1, frames);
        long id = crashedOpenFile(dir, Arrays.copyOf(image, (int) (bounds.get(1) - 1)));
        SpoolRecovery.Report report = recovery.recover(Table.REQUEST_FACTS, dir);
        assertThat(report.emptyFilesDeleted()).isEqualTo(1);
        assertThat(report.openFilesSealed()).isZero();
        assertThat(names(dir)).isEmpty();
        assertThat(index.find(id)).isEmpty();
    }

    @Test
    void aSealedFileWhoseRowIsStillOpenIsMarkedSealed() throws IOException {
        Path dir = tmp.resolve("spool");
        long id = index.createOpenBatch(TABLE, CREATED_AT);
        byte[] image = file(Table.REQUEST_FACTS, id, frames);
        write(dir.resolve(SpoolFile.sealedName(id)), image);

        assertThat(recovery.recover(Table.REQUEST_FACTS, dir)).isEqualTo(new SpoolRecovery.Report(0, 0, 0, 1, 0, 0));

        assertThat(index.find(id)).contains(new BatchRecord(id, TABLE, BatchState.SEALED, CREATED_AT, SEALED_AT,
                image.length, frames.size(), eventsIn(frames.size())));
        assertThat(Files.readAllBytes(dir.resolve(SpoolFile.sealedName(id)))).isEqualTo(image);
    }

    @Test
    void aSealedFileWithNoRowAtAllGetsASealedRow() throws IOException {
        Path dir = tmp.resolve("spool");
        byte[] image = file(Table.REQUEST_FACTS, 41, frames);
        write(dir.resolve(SpoolFile.sealedName(41)), image);

        assertThat(recovery.recover(Table.REQUEST_FACTS, dir).sealsCompleted()).isEqualTo(1);
        assertThat(index.find(41)).contains(new BatchRecord(41, TABLE, BatchState.SEALED, CREATED_AT, SEALED_AT,
                image.length, frames.size(), eventsIn(frames.size())));
    }

    @Test
    void aSealedFileWhoseRowIsSealedIsLeftAlone() throws IOException {
        Path dir = tmp.resolve("spool");
        long id = index.createOpenBatch(TABLE, CREATED_AT);
        byte[] image = file(Table.REQUEST_FACTS, id, frames);
        write(dir.resolve(SpoolFile.sealedName(id)), image);
        index.markSealed(id, TABLE, CREATED_AT, 123L, image.length, frames.size(), 11);

        assertThat(recovery.recover(Table.REQUEST_FACTS, dir)).isEqualTo(new SpoolRecovery.Report(0, 0, 0, 0, 0, 0));
        assertThat(index.find(id).orElseThrow().sealedAtMillis()).isEqualTo(123L);
    }

    @Test
    void anOpenRowWithoutAFileIsDeletedButOnlyForThisTable() throws IOException {
        Path dir = tmp.resolve("spool");
        Files.createDirectories(dir);
        long orphan = index.createOpenBatch(TABLE, CREATED_AT);
        long otherTable = index.createOpenBatch(Table.SERVICE_EVENTS.tableName(), CREATED_AT);
        long sealedRow = index.createOpenBatch(TABLE, CREATED_AT);
        index.markSealed(sealedRow, TABLE, CREATED_AT, SEALED_AT, 100, 1, 1);

        assertThat(recovery.recover(Table.REQUEST_FACTS, dir)).isEqualTo(new SpoolRecovery.Report(0, 0, 0, 0, 0, 1));

        assertThat(index.find(orphan)).isEmpty();
        assertThat(index.find(otherTable)).map(BatchRecord::state).contains(BatchState.OPEN);
        assertThat(index.find(sealedRow)).map(BatchRecord::state).contains(BatchState.SEALED);
    }

    @Test
    void unexpectedFilesAreLeftAlone() throws IOException {
        Path dir = tmp.resolve("spool");
        write(dir.resolve("notes.txt"), new byte[] {1, 2, 3});
        write(dir.resolve("000000000009.tmp"), new byte[] {4});
        write(dir.resolve("9.open"), new byte[] {5});

        assertThat(recovery.recover(Table.REQUEST_FACTS, dir)).isEqualTo(new SpoolRecovery.Report(0, 0, 0, 0, 0, 0));
        assertThat(names(dir)).containsExactly("000000000009.tmp", "9.open", "notes.txt");
    }

    @Test
    void recoveryOfSeveralLeftoversIsIdempotent() throws IOException {
        Path dir = tmp.resolve("spool");
        byte[] image = file(Table.REQUEST_FACTS, 1, frames);
        long torn = crashedOpenFile(dir, Arrays.copyOf(image, image.length - 5));
        long empty = crashedOpenFile(dir, file(Table.REQUEST_FACTS, 1, List.of()));
        long orphan = index.createOpenBatch(TABLE, CREATED_AT);

        SpoolRecovery.Report first = recovery.recover(Table.REQUEST_FACTS, dir);
        assertThat(first).isEqualTo(new SpoolRecovery.Report(1, 1, bounds.get(5) - 5 - bounds.get(4), 0, 0, 1));
        assertThat(names(dir)).containsExactly(SpoolFile.sealedName(torn));
        assertThat(index.find(empty)).isEmpty();
        assertThat(index.find(orphan)).isEmpty();

        byte[] sealed = Files.readAllBytes(dir.resolve(SpoolFile.sealedName(torn)));
        assertThat(recovery.recover(Table.REQUEST_FACTS, dir)).isEqualTo(new SpoolRecovery.Report(0, 0, 0, 0, 0, 0));
        assertThat(Files.readAllBytes(dir.resolve(SpoolFile.sealedName(torn)))).isEqualTo(sealed);
        assertThat(index.list(BatchState.SEALED)).extracting(BatchRecord::id).containsExactly(torn);
    }
}

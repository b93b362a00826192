package io.gravix.spool;

import static io.gravix.spool.SpoolFixtures.boundaries;
import static io.gravix.spool.SpoolFixtures.file;
import static io.gravix.spool.SpoolFixtures.frame;
import static io.gravix.spool.SpoolFixtures.payload;
import static io.gravix.spool.SpoolFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolFileSalvagerTest {
    @TempDir
    Path dir;

    private final List<byte[]> frames = List.of(frame("a", 1), frame("b", 3), frame("c", 2), frame("d", 5), frame("e", 1));
    private final List<Long> bounds = boundaries(frames);

    private SpoolFileSalvager.Result salvage(byte[] bytes) throws IOException {
        return SpoolFileSalvager.salvage(write(dir.resolve(SpoolFile.sealedName(7)), bytes));
    }

    private static List<byte[]> payloads(SpoolFileSalvager.Result r) {
        return r.frames().stream().map(SpoolFileSalvager.Frame::payload).toList();
    }

    @Test
    void aCleanFileYieldsEveryFrameAndNoDamage() throws IOException {
        SpoolFileSalvager.Result r = salvage(file(Table.REQUEST_FACTS, 7, frames));
        assertThat(r.header()).isEqualTo(new SpoolFile.Header(Table.REQUEST_FACTS, 7, SpoolFixtures.CREATED_AT));
        assertThat(r.headerError()).isNull();
        assertThat(r.frames()).extracting(SpoolFileSalvager.Frame::offset).containsExactlyElementsOf(bounds.subList(0, 5));
        assertThat(payloads(r)).containsExactly(payload("a", 1), payload("b", 3), payload("c", 2), payload("d", 5), payload("e", 1));
        assertThat(r.damage()).isEmpty();
    }

    @Test
    void aFlippedByteMidFileLosesOnlyTheFrameItIsIn() throws IOException {
        byte[] bytes = file(Table.REQUEST_FACTS, 7, frames);
        bytes[(int) (bounds.get(2) + SpoolFile.FRAME_OVERHEAD + 5)] ^= 0x10;

        SpoolFileSalvager.Result r = salvage(bytes);

        assertThat(payloads(r)).containsExactly(payload("a", 1), payload("b", 3), payload("d", 5), payload("e", 1));
        assertThat(r.frames()).extracting(SpoolFileSalvager.Frame::offset)
                .containsExactly(bounds.get(0), bounds.get(1), bounds.get(3), bounds.get(4));
        assertThat(r.damage()).containsExactly(new SpoolFileSalvager.Damage(bounds.get(2), bounds.get(3) - bounds.get(2)));
        // The scanner the rollup uses stops at the same damage: salvage is what gets past it.
        assertThat(SpoolFileScanner.scan(dir.resolve(SpoolFile.sealedName(7)), null).frames()).isEqualTo(2);
    }

    @Test
    void aDamagedLengthFieldLosesOnlyItsFrame() throws IOException {
        byte[] bytes = file(Table.REQUEST_FACTS, 7, frames);
        SpoolFile.putInt(bytes, (int) (long) bounds.get(1), 3);

        SpoolFileSalvager.Result r = salvage(bytes);

        assertThat(payloads(r)).containsExactly(payload("a", 1), payload("c", 2), payload("d", 5), payload("e", 1));
        assertThat(r.damage()).containsExactly(new SpoolFileSalvager.Damage(bounds.get(1), bounds.get(2) - bounds.get(1)));
    }

    @Test
    void separateDamageIsSkippedEachTime() throws IOException {
        byte[] bytes = file(Table.REQUEST_FACTS, 7, frames);
        bytes[(int) (bounds.get(0) + 4)] ^= 0x01; // checksum of the first frame
        bytes[(int) (bounds.get(3) + SpoolFile.FRAME_OVERHEAD)] ^= 0x01; // payload of the fourth

        SpoolFileSalvager.Result r = salvage(bytes);

        assertThat(payloads(r)).containsExactly(payload("b", 3), payload("c", 2), payload("e", 1));
        assertThat(r.damage()).extracting(SpoolFileSalvager.Damage::offset).containsExactly(bounds.get(0), bounds.get(3));
    }

    @Test
    void aBadHeaderIsReportedAndEveryFrameAfterItIsStillRead() throws IOException {
        byte[] bytes = file(Table.SERVICE_EVENTS, 7, frames);
        bytes[12] ^= 0x01; // inside the batch id: header checksum mismatch

        SpoolFileSalvager.Result r = salvage(bytes);

        assertThat(r.header()).isNull();
        assertThat(r.headerError().problem()).contains("header checksum mismatch");
        assertThat(r.headerError().offset()).isZero();
        assertThat(payloads(r)).hasSize(5).first().isEqualTo(payload("a", 1));
        assertThat(r.damage()).isEmpty();
    }

    @Test
    void aHeaderOfGarbageIsReportedAndEveryFrameAfterItIsStillRead() throws IOException {
        byte[] bytes = file(Table.REQUEST_FACTS, 7, frames);
        byte[] garbage = "this is no spool header at all!!".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(garbage, 0, bytes, 0, SpoolFile.HEADER_SIZE);

        SpoolFileSalvager.Result r = salvage(bytes);

        assertThat(r.headerError().problem()).contains("magic");
        assertThat(r.frames()).hasSize(5);
    }

    @Test
    void aGarbageTailIsDamageAfterTheLastFrame() throws IOException {
        byte[] full = file(Table.REQUEST_FACTS, 7, frames);
        byte[] tail = "garbage!garbage!".getBytes(StandardCharsets.US_ASCII);
        byte[] bytes = Arrays.copyOf(full, full.length + tail.length);
        System.arraycopy(tail, 0, bytes, full.length, tail.length);

        SpoolFileSalvager.Result r = salvage(bytes);

        assertThat(r.frames()).hasSize(5);
        assertThat(r.damage()).containsExactly(new SpoolFileSalvager.Damage(full.length, tail.length));
        assertThat(r.fileSize()).isEqualTo(bytes.length);
    }

    @Test
    void aFileShorterThanAHeaderHasNoFrames() throws IOException {
        SpoolFileSalvager.Result r = salvage(Arrays.copyOf(file(Table.REQUEST_FACTS, 7, frames), 20));
        assertThat(r.header()).isNull();
        assertThat(r.headerError().problem()).contains("shorter");
        assertThat(r.frames()).isEmpty();
        assertThat(r.damage()).isEmpty();
    }
}

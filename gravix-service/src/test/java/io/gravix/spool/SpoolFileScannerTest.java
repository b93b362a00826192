package io.gravix.spool;

import static io.gravix.spool.SpoolFixtures.boundaries;
import static io.gravix.spool.SpoolFixtures.file;
import static io.gravix.spool.SpoolFixtures.frame;
import static io.gravix.spool.SpoolFixtures.payload;
import static io.gravix.spool.SpoolFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolFileScannerTest {
    @TempDir
    Path dir;

    private final List<byte[]> frames = List.of(frame("a", 1), frame("b", 3), frame("c", 2), frame("d", 5), frame("e", 1));
    private final List<Long> bounds = boundaries(frames);

    private Path spoolFile(byte[] bytes) throws IOException {
        return write(dir.resolve(SpoolFile.openName(7)), bytes);
    }

    private record Seen(long offset, byte[] payload) {}

    private static SpoolFileScanner.Result scan(Path file, List<Seen> seen) throws IOException {
        return SpoolFileScanner.scan(file, (offset, buf, at, length) -> seen.add(new Seen(offset, Arrays.copyOfRange(buf, at, at + length))));
    }

    @Test
    void aCleanFileYieldsEveryFramePayloadInOrderAtItsOffset() throws IOException {
        byte[] bytes = file(Table.SERVICE_EVENTS, 7, frames);
        List<Seen> seen = new ArrayList<>();
        SpoolFileScanner.Result r = scan(spoolFile(bytes), seen);

        assertThat(r.header()).isEqualTo(new SpoolFile.Header(Table.SERVICE_EVENTS, 7, SpoolFixtures.CREATED_AT));
        assertThat(r.tail()).isEqualTo(SpoolFileScanner.Tail.CLEAN);
        assertThat(r.frames()).isEqualTo(5);
        assertThat(r.validEnd()).isEqualTo(bytes.length).isEqualTo(r.fileSize());
        assertThat(r.tailBytes()).isZero();
        assertThat(seen).extracting(Seen::offset).containsExactlyElementsOf(bounds.subList(0, 5));
        assertThat(seen.get(1).payload()).isEqualTo(payload("b", 3));
        assertThat(seen.get(3).payload()).isEqualTo(payload("d", 5));
    }

    @Test
    void scanningIntoAnArrayAtAnOffsetSeesTheFileAsAScanDoes() throws IOException {
        byte[] bytes = file(Table.SERVICE_EVENTS, 7, frames);
        Path file = spoolFile(bytes);
        byte[] into = new byte[100 + bytes.length + 50];
        Arrays.fill(into, (byte) 0x5A);
        List<Seen> seen = new ArrayList<>();
        SpoolFileScanner.Result r = SpoolFileScanner.scanInto(file, into, 100, bytes.length,
                (offset, buf, at, length) -> seen.add(new Seen(offset, Arrays.copyOfRange(buf, at, at + length))));

        assertThat(r).isEqualTo(SpoolFileScanner.scan(file, null));
        assertThat(seen).extracting(Seen::offset).containsExactlyElementsOf(bounds.subList(0, 5));
        assertThat(seen.get(3).payload()).isEqualTo(payload("d", 5));
        assertThat(Arrays.copyOfRange(into, 100, 100 + bytes.length)).isEqualTo(bytes);
        byte[] untouched = new byte[50];
        Arrays.fill(untouched, (byte) 0x5A);
        assertThat(Arrays.copyOfRange(into, 100 + bytes.length, into.length)).as("bytes after the room").isEqualTo(untouched);
    }

    @Test
    void aFileLargerThanOneReadIsScannedIntoAnArrayWhole() throws IOException {
        List<byte[]> many = new ArrayList<>();
        for (int i = 0; many.stream().mapToInt(f -> f.length).sum() < 3 * SpoolFileScanner.READ_CHUNK + 1_000; i++) {
            many.add(frame("f" + i, 500));
        }
        byte[] bytes = file(Table.REQUEST_FACTS, 7, many);
        Path file = spoolFile(bytes);
        byte[] into = new byte[7 + bytes.length];
        List<Seen> seen = new ArrayList<>();

        SpoolFileScanner.Result r = SpoolFileScanner.scanInto(file, into, 7, bytes.length,
                (offset, buf, at, length) -> seen.add(new Seen(offset, Arrays.copyOfRange(buf, at, at + length))));

        assertThat(r.tail()).isEqualTo(SpoolFileScanner.Tail.CLEAN);
        assertThat(r.frames()).isEqualTo(many.size());
        assertThat(Arrays.copyOfRange(into, 7, into.length)).isEqualTo(bytes);
        assertThat(seen).extracting(Seen::offset).containsExactlyElementsOf(boundaries(many).subList(0, many.size()));
    }

    @Test
    void scanningIntoAnArrayStopsAtTheFilesEndEvenWhenValidBytesFollowIt() throws IOException {
        byte[] full = file(Table.REQUEST_FACTS, 7, frames);
        int cut = (int) (bounds.get(4) + 3);
        Path torn = spoolFile(Arrays.copyOf(full, cut));
        // the array holds the whole file after the room: a scan that looked past the room would find the last frame whole
        byte[] into = Arrays.copyOf(full, full.length);

        SpoolFileScanner.Result r = SpoolFileScanner.scanInto(torn, into, 0, cut, null);

        assertThat(r).isEqualTo(SpoolFileScanner.scan(torn, null));
        assertThat(r.tail()).isEqualTo(SpoolFileScanner.Tail.TORN);
        assertThat(r.frames()).isEqualTo(4);
        assertThat(r.fileSize()).isEqualTo(cut);
    }

    @Test
    void scanningIntoAnArrayRefusesAFileOfAnotherSizeThanClaimed() throws IOException {
        byte[] bytes = file(Table.REQUEST_FACTS, 7, frames);
        Path file = spoolFile(bytes);
        long lastStart = bounds.get(4);
        // claimed before the file grew by its last frame: scanning only the claim would look clean with 4 frames
        assertThatThrownBy(() -> SpoolFileScanner.scanInto(file, new byte[bytes.length], 0, (int) lastStart, null))
                .isInstanceOf(IOException.class).hasMessageContaining("not the " + lastStart + " bytes claimed");
        assertThatThrownBy(() -> SpoolFileScanner.scanInto(file, new byte[bytes.length + 8], 0, bytes.length + 8, null))
                .isInstanceOf(IOException.class).hasMessageContaining(bytes.length + " bytes long");
    }

    @Test
    void aFileWithOnlyAHeaderIsCleanAndEmpty() throws IOException {
        SpoolFileScanner.Result r = SpoolFileScanner.scan(spoolFile(file(Table.REQUEST_FACTS, 7, List.of())), null);
        assertThat(r.frames()).isZero();
        assertThat(r.tail()).isEqualTo(SpoolFileScanner.Tail.CLEAN);
        assertThat(r.validEnd()).isEqualTo(SpoolFile.HEADER_SIZE);
    }

    @Test
    void aTornLastFrameIsATornTailAtEveryCut() throws IOException {
        byte[] full = file(Table.REQUEST_FACTS, 7, frames);
        long lastStart = bounds.get(4);
        for (long cut = lastStart + 1; cut < full.length; cut++) {
            SpoolFileScanner.Result r = SpoolFileScanner.scan(spoolFile(Arrays.copyOf(full, (int) cut)), null);
            assertThat(r.tail()).as("cut at %d", cut).isEqualTo(SpoolFileScanner.Tail.TORN);
            assertThat(r.frames()).isEqualTo(4);
            assertThat(r.validEnd()).isEqualTo(lastStart);
            assertThat(r.tailBytes()).isEqualTo(cut - lastStart);
        }
    }

    @Test
    void zerosOrGarbageAfterTheLastFrameAreATornTail() throws IOException {
        byte[] full = file(Table.REQUEST_FACTS, 7, frames);
        for (byte[] extra : List.of(new byte[1], new byte[8], new byte[4096], "garbage!garbage!".getBytes(), new byte[] {0, 0, 0, 1, 0, 0, 0, 0, 9})) {
            byte[] bytes = Arrays.copyOf(full, full.length + extra.length);
            System.arraycopy(extra, 0, bytes, full.length, extra.length);
            SpoolFileScanner.Result r = SpoolFileScanner.scan(spoolFile(bytes), null);
            assertThat(r.tail()).isEqualTo(SpoolFileScanner.Tail.TORN);
            assertThat(r.frames()).isEqualTo(5);
            assertThat(r.validEnd()).isEqualTo(full.length);
            assertThat(r.tailBytes()).isEqualTo(extra.length);
        }
    }

    @Test
    void validFramesAfterDamageWithinOneWriteAreATornTailAndBeyondItCorruption() throws IOException {
        byte[] bytes = file(Table.REQUEST_FACTS, 7, frames);
        Arrays.fill(bytes, (int) (long) bounds.get(1), (int) (long) bounds.get(2), (byte) 0); // frame b's page lost
        Path file = spoolFile(bytes);
        long toLastFrame = bounds.get(4) - bounds.get(1); // from the damage to where frame e starts
        for (long window : List.of(toLastFrame + 1, toLastFrame + 1000)) {
            SpoolFileScanner.Result r = SpoolFileScanner.scan(file, null, window);
            assertThat(r.tail()).as("window %d", window).isEqualTo(SpoolFileScanner.Tail.TORN);
            assertThat(r.validEnd()).isEqualTo(bounds.get(1));
            assertThat(r.frames()).isEqualTo(1);
        }
        for (long window : List.of(1L, toLastFrame)) {
            assertThat(SpoolFileScanner.scan(file, null, window).tail()).as("window %d", window).isEqualTo(SpoolFileScanner.Tail.CORRUPT);
        }
        assertThat(SpoolFileScanner.scan(file, null).tail()).as("a sealed file's scan").isEqualTo(SpoolFileScanner.Tail.CORRUPT);
    }

    @Test
    void aDamagedFrameFollowedByValidFramesIsCorruptNotTorn() throws IOException {
        byte[] bytes = file(Table.REQUEST_FACTS, 7, frames);
        int damagedPayloadByte = (int) (bounds.get(1) + SpoolFile.FRAME_OVERHEAD + 3);
        bytes[damagedPayloadByte] ^= 0x40;
        List<Seen> seen = new ArrayList<>();
        SpoolFileScanner.Result r = scan(spoolFile(bytes), seen);
        assertThat(r.tail()).isEqualTo(SpoolFileScanner.Tail.CORRUPT);
        assertThat(r.frames()).isEqualTo(1);
        assertThat(seen).hasSize(1);
        assertThat(r.validEnd()).isEqualTo(bounds.get(1));
        assertThat(r.fileSize()).isEqualTo(bytes.length);
    }

    @Test
    void aDamagedLengthFieldFollowedByValidFramesIsCorrupt() throws IOException {
        for (int value : new int[] {0, -1, Integer.MAX_VALUE, 3, SpoolFile.MAX_FRAME_PAYLOAD + 1}) {
            byte[] bytes = file(Table.REQUEST_FACTS, 7, frames);
            SpoolFile.putInt(bytes, (int) (long) bounds.get(2), value);
            SpoolFileScanner.Result r = SpoolFileScanner.scan(spoolFile(bytes), null);
            assertThat(r.tail()).as("length %d", value).isEqualTo(SpoolFileScanner.Tail.CORRUPT);
            assertThat(r.frames()).isEqualTo(2);
            assertThat(r.validEnd()).isEqualTo(bounds.get(2));
        }
    }

    @Test
    void aDamagedLastFrameIsTornBecauseNothingValidFollowsIt() throws IOException {
        byte[] bytes = file(Table.REQUEST_FACTS, 7, frames);
        bytes[bytes.length - 1] ^= 0x01;
        SpoolFileScanner.Result r = SpoolFileScanner.scan(spoolFile(bytes), null);
        assertThat(r.tail()).isEqualTo(SpoolFileScanner.Tail.TORN);
        assertThat(r.validEnd()).isEqualTo(bounds.get(4));
    }

    // --- header --------------------------------------------------------------------------------

    private SpoolFormatException headerError(byte[] bytes) throws IOException {
        Path file = spoolFile(bytes);
        return catchThrowableOfType(SpoolFormatException.class, () -> SpoolFileScanner.scan(file, null));
    }

    /** Rewrites the header checksum so that only the field under test is wrong. */
    private static void resealHeader(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, SpoolFile.HEADER_SIZE - 4);
        SpoolFile.putInt(bytes, SpoolFile.HEADER_SIZE - 4, (int) crc.getValue());
    }

    @Test
    void badMagicIsAFormatErrorAtOffsetZero() throws IOException {
        byte[] bytes = file(Table.REQUEST_FACTS, 7, frames);
        bytes[0] = 'X';
        resealHeader(bytes);
        SpoolFormatException e = headerError(bytes);
        assertThat(e.offset()).isZero();
        assertThat(e.problem()).contains("magic");
        assertThat(e.getMessage()).startsWith("000000000007.open at offset 0: ");
        assertThat(e.file().getFileName().toString()).isEqualTo("000000000007.open");
    }

    @Test
    void aHeaderChecksumMismatchIsAFormatErrorAtOffsetZero() throws IOException {
        byte[] bytes = file(Table.REQUEST_FACTS, 7, frames);
        bytes[12] ^= 0x01; // inside the batch id
        SpoolFormatException e = headerError(bytes);
        assertThat(e.offset()).isZero();
        assertThat(e.problem()).contains("checksum");
    }

    @Test
    void anUnsupportedVersionIsAFormatErrorAtTheVersionOffset() throws IOException {
        byte[] bytes = file(Table.REQUEST_FACTS, 7, frames);
        ByteBuffer.wrap(bytes).putShort(8, (short) 2);
        resealHeader(bytes);
        SpoolFormatException e = headerError(bytes);
        assertThat(e.offset()).isEqualTo(8);
        assertThat(e.problem()).contains("version 2");
        assertThat(e.getMessage()).contains("at offset 8");
    }

    @Test
    void anUnknownTableCodeIsAFormatErrorAtTheTableOffset() throws IOException {
        byte[] bytes = file(Table.REQUEST_FACTS, 7, frames);
        ByteBuffer.wrap(bytes).putShort(10, (short) 99);
        resealHeader(bytes);
        SpoolFormatException e = headerError(bytes);
        assertThat(e.offset()).isEqualTo(10);
        assertThat(e.problem()).contains("99");
    }

    @Test
    void aFileShorterThanAHeaderIsAFormatError() throws IOException {
        byte[] bytes = Arrays.copyOf(file(Table.REQUEST_FACTS, 7, frames), SpoolFile.HEADER_SIZE - 1);
        SpoolFormatException e = headerError(bytes);
        assertThat(e.offset()).isZero();
        assertThat(e.problem()).contains("shorter");
    }

    @Test
    void headersRoundTripForEveryTable() {
        for (Table table : Table.values()) {
            byte[] header = SpoolFile.encodeHeader(table, 123_456_789L, 42L);
            assertThat(header).hasSize(SpoolFile.HEADER_SIZE);
            assertThat(SpoolFile.decodeHeader(header, Path.of("x"))).isEqualTo(new SpoolFile.Header(table, 123_456_789L, 42L));
        }
    }
}

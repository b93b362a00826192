package io.gravix.spool;

import static org.assertj.core.api.Assertions.assertThat;

import io.gravix.index.BatchIndex;
import io.gravix.index.BatchState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recovery of spool files whose header cannot be read: start-up goes on and no byte is lost. */
class SpoolRecoveryDamagedHeaderTest {
    @TempDir
    Path dir;

    private BatchIndex index;

    @BeforeEach
    void openIndex() throws Exception {
        index = BatchIndex.open(dir.resolve("index.db"));
    }

    @AfterEach
    void closeIndex() {
        index.close();
    }

    private byte[] fileWithFrames(long batchId) {
        byte[] header = SpoolFile.encodeHeader(Table.REQUEST_FACTS, batchId, 1000L);
        byte[] frame = SpoolFile.encodeFrame(new byte[] {10, 3, 'a', 'b', 'c'});
        byte[] file = Arrays.copyOf(header, header.length + 2 * frame.length);
        System.arraycopy(frame, 0, file, header.length, frame.length);
        System.arraycopy(frame, 0, file, header.length + frame.length, frame.length);
        return file;
    }

    @Test
    void openFileWithDamagedHeaderAndFramesIsSealedUntouched() throws Exception {
        long id = index.createOpenBatch("request_facts", 1000L);
        byte[] bytes = fileWithFrames(id);
        bytes[3] ^= 0x40; // inside the magic
        Files.write(dir.resolve(SpoolFile.openName(id)), bytes);

        SpoolRecovery.Report report = new SpoolRecovery(index, Clock.systemUTC()).recover(Table.REQUEST_FACTS, dir);

        Path sealed = dir.resolve(SpoolFile.sealedName(id));
        assertThat(sealed).exists();
        assertThat(Files.readAllBytes(sealed)).isEqualTo(bytes);
        assertThat(report.corruptFiles()).isEqualTo(1);
        assertThat(index.find(id).orElseThrow().state()).isEqualTo(BatchState.SEALED);
    }

    @Test
    void openFileHoldingOnlyAHeaderSizedRegionIsDeleted() throws Exception {
        long id = index.createOpenBatch("request_facts", 1000L);
        Files.write(dir.resolve(SpoolFile.openName(id)), new byte[SpoolFile.HEADER_SIZE]); // zeros: crash while creating

        SpoolRecovery.Report report = new SpoolRecovery(index, Clock.systemUTC()).recover(Table.REQUEST_FACTS, dir);

        assertThat(dir.resolve(SpoolFile.openName(id))).doesNotExist();
        assertThat(report.emptyFilesDeleted()).isEqualTo(1);
        assertThat(index.find(id)).isEmpty();
    }

    @Test
    void sealedFileWithDamagedHeaderAndOpenRowIsMarkedSealed() throws Exception {
        long id = index.createOpenBatch("request_facts", 1000L);
        byte[] bytes = fileWithFrames(id);
        bytes[SpoolFile.HEADER_SIZE - 1] ^= 0x01; // the header checksum
        Files.write(dir.resolve(SpoolFile.sealedName(id)), bytes);

        SpoolRecovery.Report report = new SpoolRecovery(index, Clock.systemUTC()).recover(Table.REQUEST_FACTS, dir);

        assertThat(Files.readAllBytes(dir.resolve(SpoolFile.sealedName(id)))).isEqualTo(bytes);
        assertThat(report.corruptFiles()).isEqualTo(1);
        assertThat(index.find(id).orElseThrow().state()).isEqualTo(BatchState.SEALED);
    }
}

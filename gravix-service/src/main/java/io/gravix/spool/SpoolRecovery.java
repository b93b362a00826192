package io.gravix.spool;

import static java.util.Objects.requireNonNull;

import io.gravix.index.BatchIndex;
import io.gravix.index.BatchRecord;
import io.gravix.index.BatchState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up recovery of one table's spool directory, run before its writer starts.
 *
 * <p>Leftover states and what is done with each:
 * <ul>
 *   <li>{@code <id>.open} (crash while writing): scanned; a torn tail is
 *       truncated (those bytes were never acknowledged) and fsynced; a file with
 *       frames is then sealed like a normal seal, one with none is deleted.
 *       A torn tail is whatever follows the first bad frame when no valid frame
 *       starts {@code flushMaxBytes} or more beyond it: after a power loss the
 *       unforced last write may come back with lost or stale pages in the middle
 *       and intact frames after them, all unacknowledged (the rule and why it is
 *       safe: {@link SpoolFileScanner}). A file whose damage is followed by a valid
 *       frame farther away is sealed untouched: rollup moves it to the dead-letter
 *       queue and nothing acknowledged is cut.
 *       A file no longer than a header (crash right after creation) is deleted;
 *       one with an unreadable header and more bytes is sealed untouched.
 *   <li>{@code <id>.sealed} whose index row is not SEALED (crash between the
 *       rename and the index update): scanned for its counts and marked SEALED.
 *   <li>an OPEN index row with no file (crash between the row insert and the
 *       file creation): the row is deleted.
 *   <li>{@code *.tmp} or unknown names: left alone and reported.
 * </ul>
 */
final class SpoolRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(SpoolRecovery.class);

    /** What recovery did, for the log and for tests. */
    record Report(int openFilesSealed, int emptyFilesDeleted, long tornBytesTruncated, int sealsCompleted,
                  int corruptFiles, int orphanRowsDeleted) {}

    private final BatchIndex index;
    private final Clock clock;
    private final long tornTailWindow;
    private final SpoolStorage storage;

    /** With the default {@code spool.flushMaxBytes} as the torn-tail window, on the real file system. */
    SpoolRecovery(BatchIndex index, Clock clock) {
        this(index, clock, new SpoolConfig().getFlushMaxBytes().toBytes(), SpoolStorage.PRODUCTION);
    }

    /** {@code tornTailWindow}: the writer's {@code spool.flushMaxBytes} (see {@link SpoolFileScanner}). */
    SpoolRecovery(BatchIndex index, Clock clock, long tornTailWindow, SpoolStorage storage) {
        this.index = requireNonNull(index, "index is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.storage = requireNonNull(storage, "storage is null");
        if (tornTailWindow < 1) {
            throw new IllegalArgumentException("tornTailWindow must be at least 1, got " + tornTailWindow);
        }
        this.tornTailWindow = tornTailWindow;
    }

    Report recover(Table table, Path directory) throws IOException {
        int sealedOpen = 0;
        int deleted = 0;
        long truncated = 0;
        int sealsCompleted = 0;
        int corrupt = 0;
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(directory)) {
            s.sorted().forEach(files::add);
        }
        for (Path file : files) {
            String name = file.getFileName().toString();
            long batchId = SpoolFile.batchIdOf(file);
            if (batchId < 0) {
                LOG.warn("recovery: ignoring unexpected file {}", file);
                continue;
            }
            if (name.endsWith(SpoolFile.OPEN_SUFFIX)) {
                if (Files.size(file) <= SpoolFile.HEADER_SIZE) {
                    // Crashed while creating it: no frame was ever written, let alone acknowledged.
                    storage.delete(file);
                    storage.fsyncDirectory(directory);
                    index.deleteBatch(batchId);
                    deleted++;
                    continue;
                }
                EventCounter counter = new EventCounter();
                SpoolFileScanner.Result scan;
                try {
                    scan = SpoolFileScanner.scan(file, counter, tornTailWindow);
                } catch (SpoolFormatException e) {
                    // The header is fsynced before any frame is written, so a bad header with
                    // frames after it is damage, not a torn write: keep every byte for the DLQ.
                    LOG.error("recovery: {} has an unreadable header ({}); sealing it untouched for the dead-letter queue", file, e.problem());
                    sealUntouched(table, directory, file, batchId);
                    corrupt++;
                    sealedOpen++;
                    continue;
                }
                long size = scan.fileSize();
                if (scan.tail() == SpoolFileScanner.Tail.TORN) {
                    storage.truncate(file, scan.validEnd());
                    truncated += scan.tailBytes();
                    size = scan.validEnd();
                    LOG.warn("recovery: truncated a torn tail of {} bytes from {} at offset {}", scan.tailBytes(), file, scan.validEnd());
                } else if (scan.tail() == SpoolFileScanner.Tail.CORRUPT) {
                    corrupt++;
                    LOG.error("recovery: {} is damaged at offset {} with valid frames after it; sealing it untouched for the dead-letter queue",
                            file, scan.validEnd());
                }
                if (scan.frames() == 0 && scan.tail() != SpoolFileScanner.Tail.CORRUPT) {
                    storage.delete(file);
                    storage.fsyncDirectory(directory);
                    index.deleteBatch(batchId);
                    deleted++;
                    continue;
                }
                Path sealed = directory.resolve(SpoolFile.sealedName(batchId));
                storage.rename(file, sealed);
                storage.fsyncDirectory(directory);
                index.markSealed(batchId, table.tableName(), scan.header().createdAtMillis(), clock.millis(), size,
                        scan.frames(), counter.events);
                sealedOpen++;
            } else if (name.endsWith(SpoolFile.SEALED_SUFFIX)) {
                BatchRecord row = index.find(batchId).orElse(null);
                if (row == null || row.state() == BatchState.OPEN) {
                    EventCounter counter = new EventCounter();
                    try {
                        SpoolFileScanner.Result scan = SpoolFileScanner.scan(file, counter);
                        index.markSealed(batchId, table.tableName(), scan.header().createdAtMillis(), clock.millis(),
                                scan.fileSize(), scan.frames(), counter.events);
                    } catch (SpoolFormatException e) {
                        LOG.error("recovery: sealed file {} has an unreadable header ({}); it goes to the dead-letter queue", file, e.problem());
                        index.markSealed(batchId, table.tableName(), clock.millis(), clock.millis(), Files.size(file), 0, 0);
                        corrupt++;
                    }
                    sealsCompleted++;
                }
            } else {
                LOG.warn("recovery: ignoring unexpected file {}", file);
            }
        }
        int orphans = 0;
        for (BatchRecord row : index.list(BatchState.OPEN)) {
            if (row.table().equals(table.tableName())
                    && !Files.exists(directory.resolve(SpoolFile.openName(row.id())))
                    && !Files.exists(directory.resolve(SpoolFile.sealedName(row.id())))) {
                index.deleteBatch(row.id());
                orphans++;
            }
        }
        Report report = new Report(sealedOpen, deleted, truncated, sealsCompleted, corrupt, orphans);
        if (!report.equals(new Report(0, 0, 0, 0, 0, 0))) {
            LOG.info("recovery of {}: {}", table, report);
        }
        return report;
    }

    private void sealUntouched(Table table, Path directory, Path file, long batchId) throws IOException {
        long size = Files.size(file);
        Path sealed = directory.resolve(SpoolFile.sealedName(batchId));
        storage.rename(file, sealed);
        storage.fsyncDirectory(directory);
        index.markSealed(batchId, table.tableName(), clock.millis(), clock.millis(), size, 0, 0);
    }

    /** Counts events in valid frames; a payload that does not decode counts as zero (rollup sends it to the DLQ). */
    private static final class EventCounter implements SpoolFileScanner.FrameVisitor {
        long events;

        @Override
        public void visit(long offset, byte[] buf, int payloadOffset, int payloadLength) {
            events += SpoolRecords.countEvents(buf, payloadOffset, payloadLength);
        }
    }
}

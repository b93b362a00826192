package io.gravix.rollup;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * The disk under the rollup's work directory, where a run's Parquet files are written
 * before they are put. It is the data directory's disk, shared with the spool, so a run
 * starts only with room for its files (at most its spool bytes: Parquet is smaller than
 * the spool) on top of {@code minFree}, which keeps the rollup from eating the room
 * ingest needs.
 */
final class WorkDisk {
    private final Path directory;
    private final LongSupplier minFree;
    private final LongSupplier usableBytes;

    /** @param minFree the floor in bytes, read at every check */
    WorkDisk(Path directory, LongSupplier minFree) {
        this.directory = requireNonNull(directory, "directory is null");
        this.minFree = requireNonNull(minFree, "minFree is null");
        this.usableBytes = () -> usableSpace(directory);
    }

    /** @throws NotEnoughDiskException unless {@code spoolBytes} plus the floor are free */
    void checkRoomFor(long runId, long spoolBytes) throws NotEnoughDiskException {
        long free = usableBytes.getAsLong();
        long minFreeBytes = minFree.getAsLong();
        long needed = spoolBytes + minFreeBytes;
        if (free < needed) {
            throw new NotEnoughDiskException(spoolBytes, "not enough free disk in " + directory + " for rollup run " + runId
                    + ": it needs about " + mib(needed) + " MiB (up to " + mib(spoolBytes) + " MiB of Parquet files plus"
                    + " rollup.minFreeDisk " + mib(minFreeBytes) + " MiB) and " + mib(free) + " MiB are free; free disk space"
                    + " (the run resumes by itself) or lower rollup.maxRunBytes");
        }
    }

    /** Whether {@code bytes} plus the floor are free now. */
    boolean hasRoomFor(long bytes) {
        return usableBytes.getAsLong() >= bytes + minFree.getAsLong();
    }

    private static long usableSpace(Path directory) {
        try {
            return Files.getFileStore(directory).getUsableSpace();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the free space of " + directory, e);
        }
    }

    private static long mib(long bytes) {
        return Math.round(bytes / 1048576.0);
    }

    /** A run did not start for want of disk; it waits for room for {@link #spoolBytes()} above the floor. */
    static final class NotEnoughDiskException extends IOException {
        private final long spoolBytes;

        NotEnoughDiskException(long spoolBytes, String message) {
            super(message);
            this.spoolBytes = spoolBytes;
        }

        long spoolBytes() {
            return spoolBytes;
        }
    }
}

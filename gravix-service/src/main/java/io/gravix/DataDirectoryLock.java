package io.gravix;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on the data directory for the life of the process: a second Gravix on
 * the same directory (a rolling deploy on a shared volume) would recover the first one's
 * open spool files while it still appends to them, and re-execute its planned runs.
 */
final class DataDirectoryLock implements AutoCloseable {
    static final String FILE_NAME = "gravix.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static DataDirectoryLock acquire(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        Path file = dataDir.resolve(FILE_NAME);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this JVM already
        }
        if (lock == null) {
            channel.close();
            throw new IllegalStateException("another Gravix process is using the data directory " + dataDir.toAbsolutePath()
                    + " (it holds " + file.toAbsolutePath() + "); each instance needs its own GRAVIX_DATA_DIR");
        }
        return new DataDirectoryLock(channel, lock);
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}

package io.gravix.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where one {@link LocalObjectStore} writes the temporary files of its puts:
 * {@code <lake>/.gravix-tmp/<owner>/}, claimed by holding a lock on
 * {@code <lake>/.gravix-tmp/<owner>.lock} for as long as the store is open.
 *
 * <p>Inside the lake root so that the final rename stays on the lake's file system
 * (an atomic move cannot cross file systems); hidden (a dot-name) so that neither
 * {@link ObjectStore#list} nor Trino sees it. Each store has its own directory, so
 * several Gravix instances may share one lake directory, and
 * {@link #removeAbandoned} deletes only the directories whose owner is gone (its lock
 * is free) — the temp files of a put a crash interrupted — without walking the lake.
 */
final class PutTempDirectory implements AutoCloseable {
    static final String NAME = ".gravix-tmp";
    private static final String LOCK_SUFFIX = ".lock";
    /**
     * Lock files this JVM holds. A sweep never opens them: closing any descriptor of a file
     * drops every POSIX lock the process holds on it, which would free a live store's claim.
     */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path directory;
    private final Path lockFile;
    private final FileChannel channel;
    private final FileLock lock;

    private PutTempDirectory(Path directory, Path lockFile, FileChannel channel, FileLock lock) {
        this.directory = directory;
        this.lockFile = lockFile;
        this.channel = channel;
        this.lock = lock;
    }

    /** Claims a new directory of its own under {@code lakeRoot}. Lock file first, then the directory: a directory without a live lock is abandoned. */
    static PutTempDirectory claim(Path lakeRoot) throws IOException {
        Path parent = Files.createDirectories(lakeRoot.resolve(NAME));
        while (true) {
            String owner = UUID.randomUUID().toString();
            Path lockFile = parent.resolve(owner + LOCK_SUFFIX);
            FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            FileLock lock = tryLock(channel);
            if (lock != null && Files.exists(lockFile)) { // not taken and removed by a sweep in between
                HELD.add(lockFile);
                try {
                    return new PutTempDirectory(Files.createDirectory(parent.resolve(owner)), lockFile, channel, lock);
                } catch (IOException | RuntimeException e) {
                    HELD.remove(lockFile);
                    channel.close();
                    throw e;
                }
            }
            channel.close();
        }
    }

    Path newTempFile() {
        return directory.resolve(UUID.randomUUID().toString());
    }

    /**
     * Deletes every temp directory under {@code lakeRoot} whose owner no longer holds its
     * lock, with the files in it, and returns how many files there were. Looks only into
     * {@code <lake>/.gravix-tmp}: its cost does not grow with the lake.
     */
    static int removeAbandoned(Path lakeRoot) throws IOException {
        Path parent = lakeRoot.resolve(NAME);
        if (!Files.isDirectory(parent)) {
            return 0;
        }
        int removed = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.endsWith(LOCK_SUFFIX)) {
                    removed += removeIfAbandoned(parent.resolve(name.substring(0, name.length() - LOCK_SUFFIX.length())), entry);
                } else if (Files.isDirectory(entry) && !Files.exists(parent.resolve(name + LOCK_SUFFIX))) {
                    removed += deleteDirectory(entry); // its lock file went in an earlier, interrupted sweep
                }
            }
        }
        return removed;
    }

    private static int removeIfAbandoned(Path directory, Path lockFile) throws IOException {
        if (HELD.contains(lockFile)) {
            return 0; // a live store of this JVM
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
            return 0; // its owner closed just now
        }
        try (channel) {
            FileLock lock = tryLock(channel);
            if (lock == null) {
                return 0; // a live store owns it
            }
            int removed = Files.isDirectory(directory) ? deleteDirectory(directory) : 0;
            Files.deleteIfExists(lockFile); // while still holding the lock
            return removed;
        }
    }

    private static int deleteDirectory(Path directory) throws IOException {
        int removed = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                if (Files.deleteIfExists(file)) {
                    removed++;
                }
            }
        }
        Files.deleteIfExists(directory);
        return removed;
    }

    /** Null when another process, or another channel of this JVM, holds the lock. */
    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    /** Gives the directory up: removes it (empty unless a put failed to clean up) and its lock file, then releases the lock. */
    @Override
    public void close() throws IOException {
        try (channel) {
            deleteDirectory(directory);
            Files.deleteIfExists(lockFile);
            lock.release();
        } finally {
            HELD.remove(lockFile);
        }
    }
}

package io.gravix.store;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link ObjectStore} on a local file system: the object {@code a/b/c} is the
 * file {@code <root>/a/b/c}, so Trino's local file system reads the lake directly.
 *
 * <p>A put copies the finished file into a temporary file in this store's own
 * directory {@code <root>/.gravix-tmp/<owner>/} ({@link PutTempDirectory}), fsyncs it,
 * renames it over the target with {@link StandardCopyOption#ATOMIC_MOVE} (rename(2):
 * readers see the old file or the new one, never a mix) and fsyncs the directory,
 * so the rename survives a crash. Directories the put creates are fsynced into
 * their parents first. There is no fallback to a non-atomic move: a file system
 * that cannot rename atomically fails the put.
 *
 * <p>Names starting with {@code .} are never keys, so temporary files are invisible
 * to {@link #list}, {@link #exists} and {@link #open}. A crash in the middle of a put
 * leaves one behind in its dead owner's directory; {@link #removeAbandonedTemporaryFiles()}
 * deletes those directories at start-up, leaving the puts of any live store alone.
 */
public final class LocalObjectStore implements ObjectStore {
    private static final Logger LOG = LoggerFactory.getLogger(LocalObjectStore.class);

    private final Path root;
    private PutTempDirectory temp; // claimed on the first put (a reader never claims one)

    public LocalObjectStore(Path root) {
        this.root = requireNonNull(root, "root is null").toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    @Override
    public void put(String key, Path finishedLocalFile) throws IOException {
        Path target = resolve(key);
        Path dir = target.getParent();
        try (FileChannel source = FileChannel.open(finishedLocalFile, StandardOpenOption.READ)) {
            createDirectories(dir);
            Path temp = claimTempDirectory().newTempFile();
            try {
                try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    copy(source, finishedLocalFile, out);
                    out.force(true);
                }
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException | RuntimeException e) {
                deleteAfterFailure(temp, e);
                throw e;
            }
        }
        fsyncDirectory(dir);
    }

    private static void copy(FileChannel source, Path sourcePath, FileChannel out) throws IOException {
        long size = source.size();
        long position = 0;
        while (position < size) {
            long n = source.transferTo(position, size - position, out);
            if (n <= 0) {
                throw new IOException(sourcePath + " ended at byte " + position + " but had " + size
                        + " bytes when the put began: a finished file must not change while it is put");
            }
            position += n;
        }
    }

    private static void deleteAfterFailure(Path temp, Exception failure) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    /** Creates {@code dir} and any missing parents, each made durable in its parent before the put renames into it. */
    private void createDirectories(Path dir) throws IOException {
        Deque<Path> missing = new ArrayDeque<>();
        Path existing = dir;
        while (!Files.isDirectory(existing)) {
            missing.push(existing);
            existing = existing.getParent();
            if (existing == null) {
                throw new IOException("no existing directory above " + dir);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        for (Path d : missing) { // top-down
            try {
                Files.createDirectory(d);
            } catch (FileAlreadyExistsException e) {
                if (!Files.isDirectory(d)) {
                    throw e; // a file where the key needs a directory
                }
            }
        }
        fsyncDirectory(existing);
        for (Path d : missing) {
            if (!d.equals(dir)) {
                fsyncDirectory(d); // holds the next created directory; dir itself is fsynced after the rename
            }
        }
    }

    @Override
    public InputStream open(String key) throws IOException {
        Path path = resolve(key);
        if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
            throw new NoSuchObjectException(key, path.toString());
        }
        try {
            return Files.newInputStream(path);
        } catch (NoSuchFileException e) {
            throw new NoSuchObjectException(key, path.toString()); // deleted just now
        }
    }

    @Override
    public List<ObjectInfo> list(String prefix) throws IOException {
        ObjectKeys.requireValidPrefix(prefix);
        int slash = prefix.lastIndexOf('/');
        Path start = slash < 0 ? root : root.resolve(prefix.substring(0, slash));
        if (!Files.isDirectory(start, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        List<ObjectInfo> objects = new ArrayList<>();
        Files.walkFileTree(start, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (dir.equals(start)) {
                    return FileVisitResult.CONTINUE;
                }
                String dirKey = keyOf(dir) + "/";
                boolean mayHoldMatches = dirKey.startsWith(prefix) || prefix.startsWith(dirKey);
                return mayHoldMatches && ObjectKeys.isValidKey(keyOf(dir)) ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                String key = keyOf(file);
                if (attrs.isRegularFile() && key.startsWith(prefix) && ObjectKeys.isValidKey(key)) {
                    objects.add(new ObjectInfo(key, attrs.size(), attrs.lastModifiedTime().toInstant()));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE; // deleted while we walked
                }
                throw e;
            }
        });
        objects.sort(Comparator.comparing(ObjectInfo::key));
        return objects;
    }

    @Override
    public void delete(String key) throws IOException {
        Path path = resolve(key);
        if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
            return; // no object (missing, or only a directory of other keys)
        }
        try {
            Files.delete(path);
        } catch (NoSuchFileException | DirectoryNotEmptyException e) {
            return;
        }
        fsyncDirectory(path.getParent());
    }

    @Override
    public boolean exists(String key) {
        return Files.isRegularFile(resolve(key), LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public void verify() throws IOException {
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new ObjectStoreException(ObjectStoreException.Reason.ACCESS_DENIED,
                    "cannot create the lake directory " + root + ": " + e, e);
        }
        if (!Files.isWritable(root)) {
            throw new ObjectStoreException(ObjectStoreException.Reason.ACCESS_DENIED, "the lake directory " + root + " is not writable");
        }
    }

    /**
     * Deletes the temporary files of puts that never finished (their store's process died)
     * and returns how many there were. Looks only into {@code <root>/.gravix-tmp}, not
     * through the lake, and never touches the files of a store that is still open.
     */
    public int removeAbandonedTemporaryFiles() throws IOException {
        return PutTempDirectory.removeAbandoned(root);
    }

    /** Claims this store's directory for temporary files now (a put does it otherwise); returns it. */
    synchronized PutTempDirectory claimTempDirectory() throws IOException {
        if (temp == null) {
            temp = PutTempDirectory.claim(root);
        }
        return temp;
    }

    /** Gives up this store's temporary directory. Call it once no put runs. */
    @Override
    public synchronized void close() {
        if (temp == null) {
            return;
        }
        try {
            temp.close();
        } catch (IOException e) {
            // Harmless: the next start of any server on this lake removes an abandoned directory.
            LOG.warn("could not remove the temporary directory of puts in {}: {}", root, e.toString());
        }
        temp = null;
    }

    @Override
    public String toString() {
        return "local directory " + root;
    }

    private Path resolve(String key) {
        ObjectKeys.requireValidKey(key);
        Path path = root.resolve(key).normalize();
        if (!path.startsWith(root) || path.equals(root)) {
            throw new IllegalArgumentException("key " + key + " does not name a file under " + root);
        }
        return path;
    }

    private String keyOf(Path path) {
        StringBuilder key = new StringBuilder();
        for (Path name : root.relativize(path)) {
            if (key.length() > 0) {
                key.append('/');
            }
            key.append(name);
        }
        return key.toString();
    }

    /** Makes creates, renames and deletes in {@code dir} durable. */
    private static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}

package io.gravix.store;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * A flat store of whole, immutable objects addressed by key: the lake the
 * rollup writes its Parquet files into. Implementations: {@link LocalObjectStore}
 * (a directory tree) and {@link S3ObjectStore} (a bucket of any S3-compatible
 * store); {@code ObjectStoreContractTest} runs the same behaviour tests against both.
 *
 * <h2>Keys</h2>
 * A key is one or more {@code /}-separated segments of {@code [A-Za-z0-9._=+-]},
 * none empty and none starting with {@code .} (so no {@code .}, {@code ..} or
 * hidden names; implementations use dot-names for their own temporary files),
 * at most {@value ObjectKeys#MAX_KEY_LENGTH} characters, e.g.
 * {@code request_facts/dt=2024-05-01/hour=13/part-42-0.parquet}. Every method
 * refuses any other key with an {@link IllegalArgumentException} before it
 * touches the store. A key must not also be a directory of other keys
 * ({@code a} next to {@code a/b}): a blob store allows it, a file system does not.
 *
 * <h2>What a blob store cannot do, and this interface therefore does not offer</h2>
 * No rename or move (S3 has none: a "rename" is a copy and a delete); no append
 * or partial overwrite; no operation spanning several objects is atomic (putting
 * ten files is ten independent puts, and a crash between them leaves some of
 * them written — the rollup makes that safe by re-executing its planned run with
 * the same keys); {@link #list} is not a snapshot taken at one instant with
 * respect to concurrent puts and deletes. An S3-compatible store must give
 * read-after-write consistency, as AWS S3 and MinIO do.
 *
 * <p>Implementations are safe for concurrent use. Failures are {@link IOException}s;
 * errors the store itself reports are {@link ObjectStoreException}s that name the
 * key (and for S3 the bucket) and say whether the configuration needs fixing.
 */
public interface ObjectStore extends Closeable {
    /**
     * Publishes the content of {@code finishedLocalFile} as the object {@code key}.
     *
     * <p>Visibility is atomic: until this method returns, readers see the previous
     * object under {@code key} (or none); afterwards they see the whole new
     * object. No reader ever sees a partial object, also not after a failure or a
     * crash in the middle of the put. When the method returns normally the object
     * is durable. If it throws, {@code key} holds either its previous object or the
     * complete new one (S3: a completed upload whose answer was lost), never a part.
     *
     * <p>Overwriting is allowed: putting an existing key replaces its object whole.
     * Putting the same content again is idempotent, which is what the rollup
     * relies on when it re-executes a run with the same keys after a crash.
     *
     * <p>The file must be finished: its length when the put begins is what gets
     * published, and it must not change during the put (a file that shrinks makes
     * the put fail). The file is neither moved nor deleted.
     *
     * @throws java.nio.file.NoSuchFileException if {@code finishedLocalFile} does not
     *         exist; nothing is published
     */
    void put(String key, Path finishedLocalFile) throws IOException;

    /**
     * Opens the object {@code key} for reading from its first byte; the caller closes the stream.
     *
     * @throws NoSuchObjectException if there is no object {@code key} (a key that is only a
     *         directory of other keys, {@code a} for {@code a/b}, is no object either)
     */
    InputStream open(String key) throws IOException;

    /**
     * The objects whose keys start with {@code prefix} (a plain string prefix, not a
     * directory: {@code dt=2024-05-0} matches {@code dt=2024-05-01/...}; {@code ""}
     * lists everything), ordered by key, lexicographically (keys are ASCII, so this
     * is also S3's byte order). Objects being put and not yet published, and
     * leftovers of puts that never finished, are never listed; nor are names in the
     * underlying store that are not valid keys (S3 "folder" markers, foreign files).
     * The prefix follows the key syntax except that it may be empty, end with
     * {@code /}, or end in the middle of a segment.
     */
    List<ObjectInfo> list(String prefix) throws IOException;

    /**
     * Deletes the object {@code key}. Deleting a key that has no object is a no-op.
     * Once the method returns, the object is gone for every reader (streams already
     * opened on it may still read it to the end, as POSIX and S3 both allow).
     */
    void delete(String key) throws IOException;

    /** Whether an object {@code key} exists now. A key that is only a directory of other keys does not. */
    boolean exists(String key) throws IOException;

    /**
     * Checks that the store is reachable and usable with the configured location and
     * credentials: the start-up check and the {@code store} health check. Local: the root
     * directory exists (it is created if missing) and is writable. S3: the bucket exists
     * and the credentials may list it.
     *
     * @throws ObjectStoreException naming the problem, with
     *         {@link ObjectStoreException#isConfigurationError()} telling a wrong configuration
     *         (missing bucket, rejected credentials) from a store that is down
     */
    void verify() throws IOException;

    /** Releases clients and connections. The store is unusable afterwards. */
    @Override
    void close();
}

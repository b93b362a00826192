package io.gravix.store;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code store: {type: local}}: the lake is a directory tree. The s3 keys are
 * accepted and ignored, see {@link StoreConfig}.
 */
@JsonIgnoreProperties({"bucket", "prefix", "endpoint", "region", "pathStyleAccess", "multipartThreshold", "multipartPartSize", "maxAttempts"})
public final class LocalStoreConfig implements StoreConfig {
    private static final Logger LOG = LoggerFactory.getLogger(LocalStoreConfig.class);

    /** The lake's root directory; unset means {@code <dataDir>/lake}. */
    private String directory;

    @JsonProperty
    public String getDirectory() { return directory; }
    @JsonProperty
    public void setDirectory(String v) { directory = v; }

    /** The lake's root: {@code directory}, or {@code <dataDir>/lake} when unset. */
    public Path lakeDirectory(Path dataDir) {
        return directory == null || directory.isBlank() ? dataDir.resolve("lake") : Path.of(directory);
    }

    /**
     * Also removes the temporary files of puts a crash interrupted (only those of stores
     * whose process is gone) and claims this server's own temporary directory in the lake.
     * Call it only while holding the data directory's lock.
     */
    @Override
    public LocalObjectStore build(Path dataDir) throws IOException {
        LocalObjectStore store = new LocalObjectStore(lakeDirectory(dataDir));
        int removed = store.removeAbandonedTemporaryFiles();
        if (removed > 0) {
            LOG.info("removed {} temporary files of unfinished puts from {}", removed, store.root());
        }
        try {
            store.claimTempDirectory();
        } catch (IOException e) {
            throw new ObjectStoreException(ObjectStoreException.Reason.ACCESS_DENIED,
                    "cannot create the temporary directory for puts in the lake directory " + store.root() + ": " + e, e);
        }
        return store;
    }

    /** No housekeeping and no temporary directory: a reader never puts, and the lake's temporary files belong to the servers' puts. */
    @Override
    public LocalObjectStore buildReader(Path dataDir) {
        return new LocalObjectStore(lakeDirectory(dataDir));
    }
}

package io.gravix.store;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The {@code store:} block: where rolled-up files go, chosen with {@code type:}
 * ({@code local} or {@code s3}). Without the block the store is local; a block
 * must name its type. (There is deliberately no default type inside the block:
 * Jackson would also use it for an unknown type, and {@code GRAVIX_STORE=S3}
 * would then quietly write to local disk instead of failing start-up.)
 *
 * <p>The shipped {@code config.yml} writes the keys of both types side by side so
 * that environment variables alone switch between them
 * ({@code type: ${GRAVIX_STORE:-local}}, {@code bucket: ${GRAVIX_S3_BUCKET:-}}, ...).
 * Each type therefore ignores exactly the keys of the other type (a test keeps the
 * two lists in step); any other unknown key still fails start-up, so a typo is not
 * silently ignored.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = LocalStoreConfig.class, name = "local"),
    @JsonSubTypes.Type(value = S3StoreConfig.class, name = "s3")
})
public interface StoreConfig {
    /**
     * Builds the store a Gravix server writes its lake to, doing the start-up
     * housekeeping that store needs. Does not contact the store: call
     * {@link ObjectStore#verify()} for that.
     *
     * @param dataDir the configured {@code dataDir}, the base of a local lake by default
     */
    ObjectStore build(Path dataDir) throws IOException;

    /**
     * Builds a store for a process that only reads the lake a server writes
     * ({@code loadgen --verify}): the same store as {@link #build}, without the start-up
     * housekeeping, which belongs to the server (a reader must not remove the temporary
     * files of the server's puts in progress).
     */
    default ObjectStore buildReader(Path dataDir) throws IOException {
        return build(dataDir);
    }
}

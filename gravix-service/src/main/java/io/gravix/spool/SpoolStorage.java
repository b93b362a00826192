package io.gravix.spool;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The file-system calls the spool's durability rests on, behind one seam so that a
 * test can simulate power loss (see {@code PowerLossStorage} in the tests): what a
 * completed {@link AppendChannel#force} covers survives, other written bytes may be
 * lost or torn page by page, and a create, rename or delete survives only once
 * {@link #fsyncDirectory} of its directory has returned.
 *
 * <p>{@link #PRODUCTION} is the one implementation Gravix runs with: a thin layer over
 * {@link java.nio.channels.FileChannel} and {@link java.nio.file.Files}, no copies.
 * Reads (scanning, rollup) go to the files directly: they add nothing to durability.
 */
interface SpoolStorage {
    SpoolStorage PRODUCTION = new FileChannelStorage();

    /** Creates {@code file}, which must not exist, for appending. */
    AppendChannel create(Path file) throws IOException;

    /** Renames atomically (the seal's commit point once the directory is fsynced). */
    void rename(Path from, Path to) throws IOException;

    void delete(Path file) throws IOException;

    /** Cuts {@code file} to {@code length} bytes and forces the cut to disk. */
    void truncate(Path file, long length) throws IOException;

    /** Makes the creates, renames and deletes done so far in {@code directory} durable. */
    void fsyncDirectory(Path directory) throws IOException;

    /** An append-only file being written. */
    interface AppendChannel extends Closeable {
        /** Writes all of {@code buffers} at the end of the file (a gathering write). */
        void writeFully(ByteBuffer... buffers) throws IOException;

        /** Returns once every byte written so far is on disk ({@code metadata}: also the file's metadata). */
        void force(boolean metadata) throws IOException;
    }
}

package io.gravix.rollup;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

/**
 * An {@link OutputFile} that remembers the stream it created, so the owner can close it
 * whatever state the Parquet writer is left in after a failure.
 */
final class StreamTrackingOutputFile implements OutputFile {
    private final OutputFile target;
    private PositionOutputStream stream;

    StreamTrackingOutputFile(OutputFile target) {
        this.target = requireNonNull(target, "target is null");
    }

    @Override
    public PositionOutputStream create(long blockSizeHint) throws IOException {
        stream = target.create(blockSizeHint);
        return stream;
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
        stream = target.createOrOverwrite(blockSizeHint);
        return stream;
    }

    @Override
    public boolean supportsBlockSize() {
        return target.supportsBlockSize();
    }

    @Override
    public long defaultBlockSize() {
        return target.defaultBlockSize();
    }

    @Override
    public String getPath() {
        return target.getPath();
    }

    /** Closes the stream if one was created; closing twice is harmless. */
    void closeStream() throws IOException {
        if (stream != null) {
            stream.close();
        }
    }
}

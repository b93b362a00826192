package io.gravix.spool;

import java.nio.file.Path;

/** A spool file that does not follow {@link SpoolFile}'s format; says which file and where. */
public final class SpoolFormatException extends RuntimeException {
    private final Path file;
    private final long offset;

    public SpoolFormatException(Path file, long offset, String problem) {
        super(file.getFileName() + " at offset " + offset + ": " + problem);
        this.file = file;
        this.offset = offset;
        this.problem = problem;
    }

    private final String problem;

    public Path file() {
        return file;
    }

    public long offset() {
        return offset;
    }

    public String problem() {
        return problem;
    }
}

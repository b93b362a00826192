package io.gravix.rollup.columns;

/** The event ids committed runs kept, as a run's dedupe looks them up ({@code SeenIds}). */
public interface CommittedIds {
    /** The fingerprint the ids are filed under; equal ids have equal fingerprints. */
    long fingerprint(byte[] buf, int off, int len);

    /** Whether a committed run kept the id {@code buf[off, off+len)}, whose {@link #fingerprint} is given. */
    boolean contains(long fingerprint, byte[] buf, int off, int len);
}

package io.gravix.rollup;

/**
 * The steps of a run between which a crash leaves a distinct state on disk. Tests make
 * the process stop at one of them ({@link CrashPoints}) and kill it there.
 */
public enum CrashPoint {
    /** The run and its batches are recorded; nothing written yet. */
    PLANNED,
    /** One Parquet file is in the store, others are not. */
    FIRST_FILE_PUT,
    /** Every file is in the store; the run is not committed. */
    ALL_FILES_PUT,
    /** The run is committed; its spool files are not deleted yet. */
    COMMITTED
}

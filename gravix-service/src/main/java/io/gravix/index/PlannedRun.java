package io.gravix.index;

/**
 * A rollup run as planned: its id (which names its output files), table, when it was
 * planned, and the file size bound it was planned with — kept so that re-executing it
 * after a crash splits rows into exactly the same files even if the configuration changed.
 */
public record PlannedRun(long id, String table, long plannedAtMillis, int maxRowsPerFile) {}

package io.gravix.index;

/**
 * A rollup run as planned: its id (which names its output files), table, when it was
 * planned, and how it cuts an hour into files (at most {@code maxRowsPerFile} rows; a
 * large hour into up to {@code splitFiles} files written in parallel) — kept so that
 * re-executing it after a crash writes exactly the same files even if the configuration
 * changed in between.
 */
public record PlannedRun(long id, String table, long plannedAtMillis, int maxRowsPerFile, int splitFiles) {}

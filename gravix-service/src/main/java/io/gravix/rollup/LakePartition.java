package io.gravix.rollup;

import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * An hour of event time (UTC), the lake's partition: {@code dt=YYYY-MM-DD/hour=HH}.
 * Represented by its hour number since the epoch, which sorts like the time.
 */
final class LakePartition {
    private static final long MICROS_PER_HOUR = 3_600_000_000L;

    private LakePartition() {}

    /** The partition (hours since the epoch) of an event at {@code epochMicros}. */
    static long hourOf(long epochMicros) {
        return Math.floorDiv(epochMicros, MICROS_PER_HOUR);
    }

    /**
     * The object key of file {@code n} of run {@code runId} of instance {@code instance} in
     * partition {@code hour} of {@code table}: {@code <prefix>part-<instance>-<run>-<n>.parquet}.
     * Run ids are unique only within one index; the instance id makes keys unique across
     * instances sharing a lake.
     */
    static String key(String table, long hour, String instance, long runId, int n) {
        return prefix(table, hour) + "part-" + instance + "-" + runId + "-" + n + ".parquet";
    }

    /** The key prefix of partition {@code hour} of {@code table}: {@code <table>/dt=YYYY-MM-DD/hour=HH/}. */
    static String prefix(String table, long hour) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(hour * 3600, 0, ZoneOffset.UTC);
        return String.format("%s/dt=%04d-%02d-%02d/hour=%02d/", table, t.getYear(), t.getMonthValue(), t.getDayOfMonth(), t.getHour());
    }
}

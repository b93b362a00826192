package io.gravix.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU seconds spent from a point on, by the whole process and by each group of Java
 * threads (names without their trailing number: {@code rollup-writer-1} and {@code -2} are
 * {@code rollup-writer}). The process figure includes what no Java thread shows: GC and JIT.
 */
final class CpuTimes {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private final long processNanos;
    private final Map<Long, Long> threadNanos;

    private CpuTimes(long processNanos, Map<Long, Long> threadNanos) {
        this.processNanos = processNanos;
        this.threadNanos = threadNanos;
    }

    static CpuTimes now() {
        Map<Long, Long> threads = new HashMap<>();
        for (long id : THREADS.getAllThreadIds()) {
            threads.put(id, THREADS.getThreadCpuTime(id));
        }
        return new CpuTimes(processNanos(), threads);
    }

    /** "process 5.1 s, rollup 1.2 s, rollup-writer 2.9 s, …": groups of at least 10 ms, busiest first. */
    String since() {
        Map<String, Long> groups = new TreeMap<>();
        for (long id : THREADS.getAllThreadIds()) {
            ThreadInfo info = THREADS.getThreadInfo(id);
            long nanos = THREADS.getThreadCpuTime(id);
            if (info == null || nanos < 0) {
                continue;
            }
            String group = info.getThreadName().replaceAll("-?\\d+$", "");
            groups.merge(group, nanos - threadNanos.getOrDefault(id, 0L), Long::sum);
        }
        StringBuilder out = new StringBuilder(String.format("process %.2f s", (processNanos() - processNanos) / 1e9));
        groups.entrySet().stream().filter(e -> e.getValue() >= 10_000_000L)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> out.append(String.format(", %s %.2f s", e.getKey(), e.getValue() / 1e9)));
        return out.toString();
    }

    private static long processNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}

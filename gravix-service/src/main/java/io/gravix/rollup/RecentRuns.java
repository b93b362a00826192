package io.gravix.rollup;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** The last {@value #CAPACITY} committed runs of all tables, newest first; written by the rollup thread, read by the console. */
final class RecentRuns {
    static final int CAPACITY = 20;

    /** Guarded by itself: one writer (the rollup thread), occasional readers. */
    private final Deque<RecentRun> runs = new ArrayDeque<>();

    void add(RecentRun run) {
        synchronized (runs) {
            runs.addFirst(run);
            while (runs.size() > CAPACITY) {
                runs.removeLast();
            }
        }
    }

    List<RecentRun> newestFirst() {
        synchronized (runs) {
            return new ArrayList<>(runs);
        }
    }
}

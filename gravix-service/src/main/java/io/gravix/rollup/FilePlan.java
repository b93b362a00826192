package io.gravix.rollup;

import java.util.ArrayList;
import java.util.List;

/**
 * How a run's sorted rows are cut into files and shared among the writer threads. Each
 * file is a contiguous range of the sort order within one hour, of at most
 * {@code maxRowsPerFile} rows; an hour is cut only into files of at least
 * {@link #MIN_ROWS_TO_SPLIT} rows. Each writer thread (a lane) writes its files one after
 * another, so the run's writes take as long as its busiest lane.
 *
 * <p>Two ways to cut, and the one whose busiest lane has fewer rows is taken (today's first
 * on a tie): (A) every hour large enough is cut into one file per lane, each file going to the
 * lane with the fewest rows so far — even when all hours are large; (B) the whole sorted run
 * is cut into equal lanes, a cut that would leave less than {@link #MIN_ROWS_TO_SPLIT} rows of
 * an hour on one side moved to that hour's nearer edge — even when small hours sit beside a
 * large one, which (A) leaves whole on one lane. The plan is a function of the hours' row counts and
 * the run's planned limits only, so a re-executed run cuts the same files.
 */
final class FilePlan {
    /** An hour is cut only into files of at least this many rows (~1.5 MB). */
    static final int MIN_ROWS_TO_SPLIT = 100_000;

    /** One file: rows {@code [from, to)} of the sort order, all in hour {@code hour} (its index in the run). */
    record File(int hour, int from, int to) {
        int rows() {
            return to - from;
        }
    }

    private final List<List<File>> lanes;

    private FilePlan(List<List<File>> lanes) {
        this.lanes = lanes;
    }

    /** The files of each lane, in sort order; empty lanes left out. */
    List<List<File>> lanes() {
        return lanes.stream().filter(l -> !l.isEmpty()).toList();
    }

    /** Every file, in sort order (the order their numbers follow). */
    List<File> files() {
        return lanes.stream().flatMap(List::stream).sorted((a, b) -> Integer.compare(a.from(), b.from())).toList();
    }

    /** Rows of the busiest lane. */
    int busiestLaneRows() {
        return lanes.stream().mapToInt(l -> l.stream().mapToInt(File::rows).sum()).max().orElse(0);
    }

    /**
     * @param hourEnds where each hour of the sorted run ends (the first starts at 0), ascending
     * @param laneCount the writer threads
     */
    static FilePlan of(int[] hourEnds, int maxRowsPerFile, int laneCount) {
        FilePlan perHour = cutEachHour(hourEnds, maxRowsPerFile, laneCount);
        FilePlan evenLanes = cutIntoEvenLanes(hourEnds, maxRowsPerFile, laneCount);
        return evenLanes.busiestLaneRows() < perHour.busiestLaneRows() ? evenLanes : perHour;
    }

    /** (A): each hour into one file per lane when large enough, each file to the least loaded lane. */
    static FilePlan cutEachHour(int[] hourEnds, int maxRowsPerFile, int laneCount) {
        List<List<File>> lanes = emptyLanes(laneCount);
        long[] load = new long[laneCount];
        int start = 0;
        for (int h = 0; h < hourEnds.length; h++) {
            int rows = hourEnds[h] - start;
            int files = Math.max(ceilDiv(rows, maxRowsPerFile), Math.min(laneCount, rows / MIN_ROWS_TO_SPLIT));
            int perFile = ceilDiv(rows, Math.max(1, files));
            for (int from = start; from < hourEnds[h]; from += perFile) {
                int lane = leastLoaded(load);
                File file = new File(h, from, Math.min(hourEnds[h], from + perFile));
                lanes.get(lane).add(file);
                load[lane] += file.rows();
            }
            start = hourEnds[h];
        }
        return new FilePlan(lanes);
    }

    /** (B): the sorted run into equal lanes, cut at hour edges where a cut would leave a small piece of an hour. */
    static FilePlan cutIntoEvenLanes(int[] hourEnds, int maxRowsPerFile, int laneCount) {
        int total = hourEnds.length == 0 ? 0 : hourEnds[hourEnds.length - 1];
        int[] cuts = new int[laneCount + 1];
        for (int lane = 1; lane < laneCount; lane++) {
            cuts[lane] = Math.max(cuts[lane - 1], snapToHourEdge((int) ((long) total * lane / laneCount), hourEnds));
        }
        cuts[laneCount] = total;
        List<List<File>> lanes = emptyLanes(laneCount);
        for (int lane = 0; lane < laneCount; lane++) {
            addFiles(lanes.get(lane), cuts[lane], cuts[lane + 1], hourEnds, maxRowsPerFile);
        }
        return new FilePlan(lanes);
    }

    /** {@code cut}, or the nearer edge of its hour when either side of it in that hour is below {@link #MIN_ROWS_TO_SPLIT}. */
    private static int snapToHourEdge(int cut, int[] hourEnds) {
        int start = 0;
        for (int end : hourEnds) {
            if (cut > start && cut < end) {
                if (cut - start >= MIN_ROWS_TO_SPLIT && end - cut >= MIN_ROWS_TO_SPLIT) {
                    return cut;
                }
                return cut - start <= end - cut ? start : end;
            }
            start = end;
        }
        return cut;
    }

    /** The files of rows {@code [from, to)}: one per hour, hours of more than {@code maxRowsPerFile} rows in equal parts. */
    private static void addFiles(List<File> lane, int from, int to, int[] hourEnds, int maxRowsPerFile) {
        int start = 0;
        for (int h = 0; h < hourEnds.length; h++) {
            int a = Math.max(from, start);
            int b = Math.min(to, hourEnds[h]);
            if (a < b) {
                int perFile = ceilDiv(b - a, ceilDiv(b - a, maxRowsPerFile));
                for (int f = a; f < b; f += perFile) {
                    lane.add(new File(h, f, Math.min(b, f + perFile)));
                }
            }
            start = hourEnds[h];
        }
    }

    private static List<List<File>> emptyLanes(int laneCount) {
        List<List<File>> lanes = new ArrayList<>(laneCount);
        for (int i = 0; i < laneCount; i++) {
            lanes.add(new ArrayList<>());
        }
        return lanes;
    }

    private static int leastLoaded(long[] load) {
        int best = 0;
        for (int i = 1; i < load.length; i++) {
            if (load[i] < load[best]) {
                best = i;
            }
        }
        return best;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}

package io.gravix.rollup;

import static io.gravix.rollup.FilePlan.MIN_ROWS_TO_SPLIT;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FilePlanTest {
    private static final int MAX_ROWS = 1_000_000;

    private static List<Integer> laneRows(FilePlan plan) {
        return plan.lanes().stream().map(l -> l.stream().mapToInt(FilePlan.File::rows).sum()).toList();
    }

    @Test
    void hoursLargeEnoughAreEachCutOnceForEveryLane() {
        FilePlan plan = FilePlan.of(new int[] {259_260, 468_500}, MAX_ROWS, 2);

        assertThat(plan.files()).containsExactly(new FilePlan.File(0, 0, 129_630), new FilePlan.File(0, 129_630, 259_260),
                new FilePlan.File(1, 259_260, 363_880), new FilePlan.File(1, 363_880, 468_500));
        assertThat(laneRows(plan)).containsExactly(234_250, 234_250);
    }

    @Test
    void smallHoursBesideALargeOneAreBalancedByWhereTheLargeOneIsCut() {
        // cut per hour, one lane would write the first hour and half the second: 290,759 rows against 178,241
        int[] hours = {124_093, 457_426, 469_000};
        assertThat(FilePlan.cutEachHour(hours, MAX_ROWS, 2).busiestLaneRows()).isEqualTo(290_759);

        FilePlan plan = FilePlan.of(hours, MAX_ROWS, 2);

        assertThat(plan.lanes()).containsExactly(
                List.of(new FilePlan.File(0, 0, 124_093), new FilePlan.File(1, 124_093, 234_500)),
                List.of(new FilePlan.File(1, 234_500, 457_426), new FilePlan.File(2, 457_426, 469_000)));
    }

    @Test
    void aCutThatWouldLeaveASmallPieceOfAnHourMovesToTheHoursNearerEdge() {
        // the even cut at 180,000 would leave 20,000 rows of the second hour in the first lane
        FilePlan plan = FilePlan.cutIntoEvenLanes(new int[] {160_000, 360_000}, MAX_ROWS, 2);

        assertThat(plan.lanes()).containsExactly(List.of(new FilePlan.File(0, 0, 160_000)),
                List.of(new FilePlan.File(1, 160_000, 360_000)));
    }

    @Test
    void oneLaneWritesOneFilePerHourUpToTheRowLimit() {
        FilePlan plan = FilePlan.of(new int[] {50_000, 2_600_000}, MAX_ROWS, 1);

        assertThat(plan.lanes()).hasSize(1);
        assertThat(plan.files()).extracting(FilePlan.File::rows).containsExactly(50_000, 850_000, 850_000, 850_000);
    }

    /** Any hours, limits and lanes: files cover the run once, in hour order, each within an hour and its limits. */
    @Test
    void everyPlanCoversTheRunOnceWithinItsLimits() {
        SplittableRandom random = new SplittableRandom(5);
        for (int trial = 0; trial < 2_000; trial++) {
            int[] hourEnds = new int[1 + random.nextInt(6)];
            int end = 0;
            for (int h = 0; h < hourEnds.length; h++) {
                end += 1 + random.nextInt(random.nextBoolean() ? 400_000 : 20_000);
                hourEnds[h] = end;
            }
            int maxRows = random.nextBoolean() ? MAX_ROWS : 1_000 + random.nextInt(300_000);
            int lanes = 1 + random.nextInt(4);

            FilePlan plan = FilePlan.of(hourEnds, maxRows, lanes);

            int next = 0;
            for (FilePlan.File file : plan.files()) {
                int hourStart = file.hour() == 0 ? 0 : hourEnds[file.hour() - 1];
                int hourRows = hourEnds[file.hour()] - hourStart;
                assertThat(file.from()).as("trial %d: files follow each other", trial).isEqualTo(next);
                assertThat(file.from()).isGreaterThanOrEqualTo(hourStart);
                assertThat(file.to()).isLessThanOrEqualTo(hourEnds[file.hour()]).isGreaterThan(file.from());
                assertThat(file.rows()).isLessThanOrEqualTo(maxRows);
                if (file.rows() < MIN_ROWS_TO_SPLIT && file.rows() < hourRows) {
                    assertThat(hourRows).as("trial %d: %s is a small piece of an hour cut only for the row limit", trial, file)
                            .isGreaterThan(maxRows);
                }
                next = file.to();
            }
            assertThat(next).isEqualTo(end);
            assertThat(plan.lanes()).hasSizeLessThanOrEqualTo(lanes);
            assertThat(plan.busiestLaneRows()).isLessThanOrEqualTo(FilePlan.cutEachHour(hourEnds, maxRows, lanes).busiestLaneRows());
        }
    }
}

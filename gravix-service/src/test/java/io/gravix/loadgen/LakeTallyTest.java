package io.gravix.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import io.gravix.loadgen.SentIds.Answer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The verification's accounting: expected, found, missing, duplicated, unexpected and unacknowledged ids. */
class LakeTallyTest {
    private static final String RUN = "lgrun1";

    /** Ten events sent in requests of five: both acknowledged. */
    private static SentIds allAcknowledged() {
        SentIds sent = new SentIds(10);
        sent.record(0, 5, Answer.ACKNOWLEDGED);
        sent.record(5, 5, Answer.ACKNOWLEDGED);
        return sent;
    }

    private static LakeTally tally(SentIds sent, String... lakeIds) {
        LakeTally tally = new LakeTally(RUN, sent);
        for (String id : lakeIds) {
            tally.accept(id);
        }
        return tally;
    }

    private static String[] ids(int from, int to) {
        return IntStream.range(from, to).mapToObj(n -> RUN + "-" + n).toArray(String[]::new);
    }

    @Test
    void everyAcknowledgedEventOnceIsAPass() {
        VerifyReport report = tally(allAcknowledged(), ids(0, 10)).report(2);

        assertThat(report.passed()).isTrue();
        assertThat(report).extracting(VerifyReport::expected, VerifyReport::rows, VerifyReport::found, VerifyReport::missing,
                        VerifyReport::duplicated, VerifyReport::extraRows, VerifyReport::unexpected, VerifyReport::unacknowledged,
                        VerifyReport::files)
                .containsExactly(10L, 10L, 10L, 0L, 0L, 0L, 0L, 0L, 2);
    }

    @Test
    void anAcknowledgedEventNotInTheLakeIsMissing() {
        VerifyReport report = tally(allAcknowledged(), ids(2, 9)).report(1);

        assertThat(report.passed()).isFalse();
        assertThat(report.missing()).isEqualTo(3);
        assertThat(report.found()).isEqualTo(7);
        assertThat(report.missingExamples()).containsExactly(RUN + "-0", RUN + "-1", RUN + "-9");
    }

    @Test
    void anIdInTheLakeMoreThanOnceIsDuplicatedWithItsExtraRowsCounted() {
        LakeTally tally = tally(allAcknowledged(), ids(0, 10));
        tally.accept(RUN + "-4");
        tally.accept(RUN + "-4");
        tally.accept(RUN + "-7");

        VerifyReport report = tally.report(3);

        assertThat(report.passed()).isFalse();
        assertThat(report.duplicated()).isEqualTo(2);
        assertThat(report.extraRows()).isEqualTo(3);
        assertThat(report.rows()).isEqualTo(13);
        assertThat(report.found()).isEqualTo(10);
        assertThat(report.missing()).isZero();
        assertThat(report.duplicatedExamples()).containsExactly(RUN + "-4", RUN + "-7");
    }

    @Test
    void anIdOfThisRunThatWasNeverSentIsUnexpected() {
        SentIds sent = new SentIds(10);
        sent.record(0, 5, Answer.ACKNOWLEDGED); // 5..9 never sent (the run stopped early)
        String[] odd = {RUN + "-5", RUN + "-10", RUN + "-007", RUN + "-x", RUN + "-", RUN + "-99999999999", RUN + "--1"};
        LakeTally tally = tally(sent, ids(0, 5));
        for (String id : odd) {
            tally.accept(id);
        }

        VerifyReport report = tally.report(1);

        assertThat(report.passed()).isFalse();
        assertThat(report.unexpected()).isEqualTo(odd.length);
        assertThat(report.unexpectedExamples()).hasSize(LakeTally.EXAMPLES).containsExactly(java.util.Arrays.copyOf(odd, LakeTally.EXAMPLES));
        assertThat(report.found()).isEqualTo(5);
        assertThat(report.missing()).isZero();
    }

    @Test
    void idsOfOtherRunsAndClientsAreIgnored() {
        VerifyReport report = tally(allAcknowledged(), concat(ids(0, 10), "lgrun10-1", "lgrun-1", "LGRUN1-1", "req-0001", "lgrun1"))
                .report(1);

        assertThat(report.passed()).isTrue();
        assertThat(report.rows()).isEqualTo(10);
    }

    @Test
    void unacknowledgedEventsMayBeInTheLakeOrNot() {
        SentIds sent = new SentIds(10);
        sent.record(0, 5, Answer.ACKNOWLEDGED);
        sent.record(5, 5, Answer.NOT_ACKNOWLEDGED); // e.g. a 503 or a timeout: stored or not, the client cannot know

        VerifyReport someLanded = tally(sent, ids(0, 7)).report(1);
        VerifyReport noneLanded = tally(sent, ids(0, 5)).report(1);

        assertThat(someLanded.passed()).isTrue();
        assertThat(someLanded).extracting(VerifyReport::expected, VerifyReport::found, VerifyReport::unacknowledged,
                VerifyReport::unacknowledgedFound).containsExactly(5L, 7L, 5L, 2L);
        assertThat(noneLanded.passed()).isTrue();
        assertThat(noneLanded.unacknowledgedFound()).isZero();
    }

    @Test
    void anEventIsAcknowledgedWhenAnyRequestCarryingItGot202() {
        SentIds sent = new SentIds(5);
        sent.record(0, 5, Answer.NOT_ACKNOWLEDGED);
        sent.record(0, 5, Answer.ACKNOWLEDGED); // the client's retry
        sent.record(0, 5, Answer.NOT_ACKNOWLEDGED); // a later retry does not take it back

        VerifyReport report = tally(sent).report(0);

        assertThat(report.expected()).isEqualTo(5);
        assertThat(report.unacknowledged()).isZero();
        assertThat(report.missing()).isEqualTo(5);
    }

    @Test
    void aRunWithoutAnyAcknowledgedEventFails() {
        SentIds sent = new SentIds(10);
        sent.record(0, 10, Answer.NOT_ACKNOWLEDGED); // e.g. every request got 401 or 503

        VerifyReport report = tally(sent).report(0);

        assertThat(report.missing() + report.duplicated() + report.unexpected()).isZero();
        assertThat(report.passed()).isFalse();
        assertThat(report.failure()).contains("no event was acknowledged");
    }

    @Test
    void aMillionEventsFitInBitSets() {
        SentIds sent = new SentIds(1_000_000);
        for (int first = 0; first < 1_000_000; first += 500) {
            sent.record(first, 500, Answer.ACKNOWLEDGED);
        }
        LakeTally tally = new LakeTally(RUN, sent);
        for (int n = 999_999; n >= 0; n--) {
            tally.accept(RUN + "-" + n);
        }

        VerifyReport report = tally.report(1);

        assertThat(report.passed()).isTrue();
        assertThat(report.found()).isEqualTo(1_000_000);
    }

    @Test
    void sentIdsRefuseEventsOutsideTheRun() {
        SentIds sent = new SentIds(10);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> sent.record(8, 5, Answer.ACKNOWLEDGED))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SentIds(Integer.MAX_VALUE + 1L))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--verify");
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}

package io.gravix.loadgen;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.function.Consumer;

/**
 * Counts one scan of the lake against what a run sent: fed every event id of the scanned
 * files, it keeps those with the run's prefix ({@code <run tag>-}) and tells found,
 * missing, duplicated and unexpected ids apart by sequence number, in bit sets like
 * {@link SentIds}. An id with the prefix whose rest is not the canonical decimal of a sent
 * sequence number ({@code -007}, {@code -x}, one past the last) is unexpected.
 */
final class LakeTally implements Consumer<String> {
    static final int EXAMPLES = 5;

    private final String runTag;
    private final String prefix;
    private final BitSet sent;
    private final BitSet acknowledged;
    private final BitSet found = new BitSet();
    private final BitSet foundAgain = new BitSet();
    private final List<String> unexpectedExamples = new ArrayList<>();
    private long rows;
    private long extraRows;
    private long unexpectedRows;

    LakeTally(String runTag, SentIds sentIds) {
        this.runTag = requireNonNull(runTag, "runTag is null");
        this.prefix = runTag + "-";
        this.sent = sentIds.sent();
        this.acknowledged = sentIds.acknowledged();
    }

    @Override
    public void accept(String eventId) {
        if (!eventId.startsWith(prefix)) {
            return; // another run's or a real client's event
        }
        rows++;
        int n = sequenceOf(eventId);
        if (n < 0 || !sent.get(n)) {
            unexpectedRows++;
            if (unexpectedExamples.size() < EXAMPLES) {
                unexpectedExamples.add(eventId);
            }
        } else if (found.get(n)) {
            foundAgain.set(n);
            extraRows++;
        } else {
            found.set(n);
        }
    }

    /** The sequence number of {@code <prefix><n>}, or -1 when the rest is not a canonical non-negative int. */
    private int sequenceOf(String eventId) {
        String rest = eventId.substring(prefix.length());
        if (rest.isEmpty() || rest.length() > 10 || (rest.length() > 1 && rest.charAt(0) == '0')) {
            return -1;
        }
        long n = 0;
        for (int i = 0; i < rest.length(); i++) {
            char c = rest.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n > Integer.MAX_VALUE ? -1 : (int) n;
    }

    VerifyReport report(int files) {
        BitSet missing = (BitSet) acknowledged.clone();
        missing.andNot(found);
        BitSet unacknowledged = (BitSet) sent.clone();
        unacknowledged.andNot(acknowledged);
        BitSet unacknowledgedFound = (BitSet) unacknowledged.clone();
        unacknowledgedFound.and(found);
        return new VerifyReport(runTag, acknowledged.cardinality(), rows, found.cardinality(), missing.cardinality(),
                foundAgain.cardinality(), extraRows, unexpectedRows, unacknowledged.cardinality(), unacknowledgedFound.cardinality(),
                files, Duration.ZERO, examples(missing), examples(foundAgain), unexpectedExamples);
    }

    private List<String> examples(BitSet ids) {
        List<String> examples = new ArrayList<>();
        for (int n = ids.nextSetBit(0); n >= 0 && examples.size() < EXAMPLES; n = ids.nextSetBit(n + 1)) {
            examples.add(prefix + n);
        }
        return examples;
    }
}

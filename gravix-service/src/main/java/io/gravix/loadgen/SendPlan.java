package io.gravix.loadgen;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The order in which the load generator sends its prepared requests: every
 * request once, in order, plus client retries — {@code round(duplicateRatio × n)}
 * requests sent a second time, each somewhere after its first send, as a client
 * that timed out and retried would. Retries are whole requests, so the share of
 * duplicate events equals the ratio (up to the last, shorter batch).
 */
final class SendPlan {
    private SendPlan() {}

    /** Request indices to send, in order; deterministic for a seed. */
    static int[] of(int requests, double duplicateRatio, long seed) {
        if (requests < 0 || duplicateRatio < 0 || Double.isNaN(duplicateRatio)) {
            throw new IllegalArgumentException("requests and duplicateRatio must not be negative");
        }
        int retries = (int) Math.round(duplicateRatio * requests);
        SplittableRandom random = new SplittableRandom(seed);
        // Retry k repeats request retryOf[k] and is sent right after request sendAfter[k] (never before its original).
        int[] retryOf = new int[retries];
        int[] sendAfter = new int[retries];
        for (int k = 0; k < retries; k++) {
            retryOf[k] = random.nextInt(requests);
            sendAfter[k] = retryOf[k] + random.nextInt(requests - retryOf[k]);
        }
        Integer[] byPosition = new Integer[retries];
        for (int k = 0; k < retries; k++) {
            byPosition[k] = k;
        }
        Arrays.sort(byPosition, (a, b) -> Integer.compare(sendAfter[a], sendAfter[b]));
        int[] order = new int[requests + retries];
        int out = 0;
        int next = 0;
        for (int j = 0; j < requests; j++) {
            order[out++] = j;
            while (next < retries && sendAfter[byPosition[next]] == j) {
                order[out++] = retryOf[byPosition[next++]];
            }
        }
        return order;
    }
}

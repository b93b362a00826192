package io.gravix.loadgen;

import java.util.BitSet;

/**
 * Which of a run's events were sent, and which were acknowledged, by sequence number
 * (event ids are {@code <run tag>-<n>}, see {@link EventFactory}). An event is
 * acknowledged when at least one request that carried it was answered 202; an event whose
 * every request got something else (or no answer) is unacknowledged: it may or may not
 * have been stored. Two bits per event keep a run of millions of events in a few hundred
 * kilobytes. Safe for the sending threads to share.
 */
final class SentIds {
    private final int events;
    private final BitSet sent = new BitSet();
    private final BitSet acknowledged = new BitSet();

    SentIds(long events) {
        if (events < 0 || events > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("--verify tracks at most " + Integer.MAX_VALUE + " events, not " + events);
        }
        this.events = (int) events;
    }

    /** Events {@code first} .. {@code first + count - 1} were sent in one request, answered 202 or not. */
    synchronized void record(long first, int count, Answer answer) {
        if (first < 0 || count < 0 || first + count > events) {
            throw new IllegalArgumentException("events " + first + ".." + (first + count - 1) + " are outside 0.." + (events - 1));
        }
        sent.set((int) first, (int) first + count);
        if (answer == Answer.ACKNOWLEDGED) {
            acknowledged.set((int) first, (int) first + count);
        }
    }

    /** How the server answered one request. */
    enum Answer { ACKNOWLEDGED, NOT_ACKNOWLEDGED }

    /** A copy of the sent set. */
    synchronized BitSet sent() {
        return (BitSet) sent.clone();
    }

    /** A copy of the acknowledged set. */
    synchronized BitSet acknowledged() {
        return (BitSet) acknowledged.clone();
    }
}

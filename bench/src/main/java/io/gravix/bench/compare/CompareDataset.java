package io.gravix.bench.compare;

import io.gravix.api.v1.RequestFact;
import io.gravix.loadgen.EventFactory;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * The one dataset every system in {@code bench/compare.sh} gets: request facts of about
 * 300 bytes of JSON ({@link EventFactory}'s services, routes, status mix and sizes),
 * deterministic for a seed, with timestamps spread evenly over {@link #SPAN_MILLIS} before a
 * fixed base time, so every process of one run (load client, rollup benchmark, DuckDB)
 * builds byte-identical events.
 *
 * <p>Event {@code q} has the id {@code <tag>-<q as 10 digits>}: fixed width, so a load
 * client can reuse a pre-built body for new events by rewriting the digits in place.
 * Retried duplicates are whole requests sent twice ({@link #sentOrder}), as a client
 * retries after a timeout: 1 request in 20 (5 %) is a resend of the request sent 10 before.
 */
public final class CompareDataset {
    /** Timestamps cover the three hours before the base time. */
    public static final long SPAN_MILLIS = 3 * 3600_000L;
    public static final int ID_DIGITS = 10;
    /** A resend every {@code RETRY_EVERY} requests: 5 % of requests are duplicates. */
    public static final int RETRY_EVERY = 20;

    private final String tag;
    private final long seed;
    private final long baseMillis;
    private final long events;

    /**
     * @param tag event id prefix
     * @param seed the random seed of the field values
     * @param baseMillis the newest timestamp (epoch ms); pass the same value to every process
     * @param events how many distinct events the timestamps are spread over
     */
    public CompareDataset(String tag, long seed, long baseMillis, long events) {
        this.tag = tag;
        this.seed = seed;
        this.baseMillis = baseMillis;
        this.events = events;
    }

    /** A base time a few minutes in the past, so every event is within the accepted window. */
    public static long defaultBase() {
        return Instant.now().minusSeconds(120).toEpochMilli();
    }

    public String eventId(long q) {
        return tag + "-" + String.format("%0" + ID_DIGITS + "d", q);
    }

    /** Events {@code first .. first+count-1}; the values depend on (seed, first) only. */
    public RequestFact[] facts(long first, int count) {
        EventFactory factory = new EventFactory(tag, Clock.fixed(Instant.ofEpochMilli(baseMillis), ZoneOffset.UTC), seed * 1_000_003 + first);
        RequestFact[] out = new RequestFact[count];
        for (int i = 0; i < count; i++) {
            long q = first + i;
            long millis = baseMillis - SPAN_MILLIS + (q % events) * SPAN_MILLIS / events;
            out[i] = factory.requestFact(q).toBuilder()
                    .setEventId(eventId(q))
                    .setTimestamp(com.google.protobuf.Timestamp.newBuilder()
                            .setSeconds(Math.floorDiv(millis, 1000)).setNanos((int) Math.floorMod(millis, 1000) * 1_000_000))
                    .build();
        }
        return out;
    }

    /**
     * Which distinct request is sent at position {@code p} of the send order: in every
     * group of {@link #RETRY_EVERY} positions, the last resends the request sent 10 before.
     */
    public static long sentOrder(long p) {
        long group = p / RETRY_EVERY;
        int r = (int) (p % RETRY_EVERY);
        return group * (RETRY_EVERY - 1) + (r == RETRY_EVERY - 1 ? 9 : r);
    }

    /** How many send positions carry {@code distinct} requests and their resends. */
    public static long positions(long distinct) {
        return distinct / (RETRY_EVERY - 1) * RETRY_EVERY + distinct % (RETRY_EVERY - 1);
    }
}

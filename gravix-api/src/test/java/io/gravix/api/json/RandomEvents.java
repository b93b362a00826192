package io.gravix.api.json;

import com.google.protobuf.Timestamp;
import io.gravix.api.v1.RequestFact;
import io.gravix.api.v1.ServiceEvent;
import java.util.Random;

/**
 * Seeded random events for codec tests. Not necessarily valid by the contract's
 * constraints (codecs must carry any message): strings include quotes,
 * backslashes, control characters and non-BMP characters; numbers include the
 * extremes of their types; optional fields are set or not at random.
 */
final class RandomEvents {
    private static final String[] PIECES = {
            "a", "Z", "0", "-", "_", ".", ":", "/", "{id}", " ", "\"", "\\", "\n", "\t", "\u0000", "\u001f",
            "é", "ß", "日本", "\uD83D\uDE00", "\u2028", "</script>", "\u007f",
    };
    private static final String[] METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
    private static final double[] DOUBLES = {
            0.0, 1.0, 0.5, 12.75, 3_600_000.0, 1e-300, Double.MIN_VALUE, Double.MAX_VALUE, 123456.789012345,
            1.0 / 3.0, 9_007_199_254_740_993.0,
    };
    private static final long[] LONGS = {1, 42, 255, 65_536, Integer.MAX_VALUE, 0xFFFF_FFFFL, Long.MAX_VALUE, -1L /* 2^64-1 */, Long.MIN_VALUE};

    private final Random random;

    RandomEvents(long seed) {
        this.random = new Random(seed);
    }

    String string(int maxPieces) {
        int n = random.nextInt(maxPieces + 1);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(PIECES[random.nextInt(PIECES.length)]);
        }
        return b.toString();
    }

    Timestamp timestamp() {
        long seconds = -62135596800L + (long) (random.nextDouble() * (253402300799L + 62135596800L));
        int nanos = switch (random.nextInt(4)) {
            case 0 -> 0;
            case 1 -> random.nextInt(1000) * 1_000_000;
            case 2 -> random.nextInt(1_000_000) * 1000;
            default -> random.nextInt(1_000_000_000);
        };
        return Timestamp.newBuilder().setSeconds(seconds).setNanos(nanos).build();
    }

    private boolean maybe() {
        return random.nextInt(4) != 0;
    }

    RequestFact requestFact() {
        RequestFact.Builder b = RequestFact.newBuilder();
        if (maybe()) b.setEventId(string(6));
        if (maybe()) b.setTimestamp(timestamp());
        if (maybe()) b.setService(string(4));
        if (maybe()) b.setEnvironment(string(3));
        if (maybe()) b.setRoute("/" + string(5));
        if (maybe()) b.setMethod(METHODS[random.nextInt(METHODS.length)]);
        if (maybe()) b.setStatusCode(random.nextBoolean() ? 100 + random.nextInt(500) : (int) LONGS[random.nextInt(LONGS.length)]);
        if (maybe()) {
            double d = DOUBLES[random.nextInt(DOUBLES.length)];
            b.setDurationMs(random.nextInt(5) == 0 ? -d : d);
        }
        if (maybe()) b.setRequestBytes(LONGS[random.nextInt(LONGS.length)]);
        if (maybe()) b.setResponseBytes(random.nextLong());
        if (maybe()) b.setClientId(string(4));
        if (maybe()) b.setTraceId(string(2));
        int attributes = random.nextInt(4);
        for (int i = 0; i < attributes; i++) {
            b.putAttributes(string(3), string(3));
        }
        return b.build();
    }

    ServiceEvent serviceEvent() {
        ServiceEvent.Builder b = ServiceEvent.newBuilder();
        if (maybe()) b.setEventId(string(6));
        if (maybe()) b.setTimestamp(timestamp());
        if (maybe()) b.setService(string(4));
        if (maybe()) b.setEnvironment(string(3));
        if (maybe()) b.setKindValue(random.nextInt(10) == 0 ? 42 : random.nextInt(9));
        if (maybe()) b.setVersion(string(3));
        if (maybe()) b.setActor(string(3));
        if (maybe()) b.setMessage(string(20));
        int attributes = random.nextInt(4);
        for (int i = 0; i < attributes; i++) {
            b.putAttributes(string(3), string(3));
        }
        return b.build();
    }
}

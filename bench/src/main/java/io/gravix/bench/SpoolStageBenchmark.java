package io.gravix.bench;

import io.gravix.api.spool.v1.RequestFactRecord;
import io.gravix.api.v1.RequestFact;
import io.gravix.api.v1.RequestFactBatch;
import io.gravix.spool.SpoolFile;
import io.gravix.spool.SpoolRecords;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Hot stages around the spool, one thread, a request of 500 realistic request facts per
 * operation; scores are <b>events/s</b> ({@code @OperationsPerInvocation(500)}):
 * <ul>
 *   <li>{@code protobufDecode}: parse a protobuf batch body and re-check its size, as ingest's
 *       {@code EventTableCodec} does before validation;
 *   <li>{@code frameAndChecksum}: {@link SpoolFile#encodeFrame} (length + crc32c + copy) of the
 *       record's payload;
 *   <li>{@code spoolRecordDecode}: {@link SpoolRecords#parseRequestFacts} of a frame's payload,
 *       the rollup's first step per batch.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@OperationsPerInvocation(SpoolStageBenchmark.EVENTS)
public class SpoolStageBenchmark {
    static final int EVENTS = 500;

    private byte[] batchBody;
    private byte[] payload;
    private byte[] frame;

    @Setup(Level.Trial)
    public void setUp() {
        List<RequestFact> facts = BenchEvents.requestFacts(EVENTS);
        batchBody = RequestFactBatch.newBuilder().addAllFacts(facts).build().toByteArray();
        payload = RequestFactRecord.newBuilder().setSource("bench").setIngestedAtMicros(1_700_000_000_000_000L)
                .addAllFacts(facts).build().toByteArray();
        frame = SpoolFile.encodeFrame(payload);
    }

    @Benchmark
    public RequestFactBatch protobufDecode() throws Exception {
        RequestFactBatch batch = RequestFactBatch.parser().parseFrom(batchBody);
        if (batch.getSerializedSize() != batchBody.length) {
            throw new IllegalStateException("not a minimal encoding");
        }
        return batch;
    }

    @Benchmark
    public byte[] frameAndChecksum() {
        return SpoolFile.encodeFrame(payload);
    }

    @Benchmark
    public RequestFactRecord spoolRecordDecode() throws Exception {
        return SpoolRecords.parseRequestFacts(frame, SpoolFile.FRAME_OVERHEAD, frame.length - SpoolFile.FRAME_OVERHEAD);
    }
}

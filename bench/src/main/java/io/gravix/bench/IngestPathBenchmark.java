package io.gravix.bench;

import io.gravix.api.json.EventJsonWriter;
import io.gravix.api.v1.RequestFact;
import io.gravix.api.v1.RequestFactBatch;
import io.gravix.ingest.BodyFormat;
import io.gravix.ingest.EventPreparer;
import io.gravix.ingest.IngestConfig;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The request thread's CPU work per event: decode the body, validate every
 * event, build the spool record and its frame ({@link EventPreparer#prepare}).
 * Score = requests per second on one thread; events/s = score × batch.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class IngestPathBenchmark {
    @Param({"json", "protobuf"})
    public String format;

    @Param({"1", "100", "1000"})
    public int batch;

    private EventPreparer<?> preparer;
    private BodyFormat bodyFormat;
    private byte[] body;

    @Setup(Level.Trial)
    public void setUp() {
        preparer = EventPreparer.forRequestFacts(new IngestConfig(), Clock.systemUTC());
        List<RequestFact> facts = BenchEvents.requestFacts(batch);
        if (format.equals("json")) {
            bodyFormat = BodyFormat.JSON;
            body = EventJsonWriter.requestFactsArray(facts);
        } else {
            bodyFormat = BodyFormat.PROTOBUF;
            body = RequestFactBatch.newBuilder().addAllFacts(facts).build().toByteArray();
        }
    }

    @Benchmark
    public EventPreparer.PreparedFrame prepare() {
        return preparer.prepare(bodyFormat, body, "bench");
    }
}

package io.gravix.bench;

import com.google.protobuf.util.JsonFormat;
import io.gravix.api.json.EventJsonWriter;
import io.gravix.api.json.RequestFactJsonReader;
import io.gravix.api.v1.RequestFact;
import io.gravix.api.v1.RequestFactBatch;
import java.nio.charset.StandardCharsets;
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
 * JSON decoding approaches for a body of 500 request facts; score = events/s.
 * Jackson streaming straight into the generated builders (what Gravix uses)
 * against protobuf-java-util's JsonFormat (Gson tree, reflection).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class JsonDecodeBenchmark {
    private static final int EVENTS = 500;

    private final RequestFactJsonReader jackson = new RequestFactJsonReader();
    private final JsonFormat.Parser jsonFormat = JsonFormat.parser();
    private byte[] array;
    private byte[] wrapped;

    @Setup(Level.Trial)
    public void setUp() {
        List<RequestFact> facts = BenchEvents.requestFacts(EVENTS);
        array = EventJsonWriter.requestFactsArray(facts);
        // JsonFormat parses one message: wrap the array as RequestFactBatch's "facts".
        wrapped = ("{\"facts\":" + new String(array, StandardCharsets.UTF_8) + "}").getBytes(StandardCharsets.UTF_8);
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public List<RequestFact> jacksonStreaming() {
        return jackson.readJson(array, 0, array.length, 10_000);
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public RequestFactBatch protobufJsonFormat() throws Exception {
        RequestFactBatch.Builder b = RequestFactBatch.newBuilder();
        jsonFormat.merge(new String(wrapped, StandardCharsets.UTF_8), b); // it parses text, not bytes
        return b.build();
    }
}

package io.gravix.bench;

import build.buf.protovalidate.ValidationResult;
import build.buf.protovalidate.Validator;
import build.buf.protovalidate.ValidatorFactory;
import io.gravix.api.v1.RequestFact;
import io.gravix.api.validate.ConstraintValidator;
import io.gravix.api.validate.Violation;
import java.util.ArrayList;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Enforcing the buf.validate annotations of RequestFact on 500 valid events;
 * score = events/s. protovalidate's CEL engine against Gravix's checks compiled
 * from the same annotations.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ValidationBenchmark {
    private static final int EVENTS = 500;

    private final ConstraintValidator compiled = ConstraintValidator.forType(RequestFact.getDescriptor());
    private final Validator protovalidate = ValidatorFactory.newBuilder().build();
    private List<RequestFact> facts;

    @Setup(Level.Trial)
    public void setUp() {
        facts = BenchEvents.requestFacts(EVENTS);
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void compiledChecks(Blackhole bh) {
        List<Violation> out = new ArrayList<>(0);
        for (RequestFact f : facts) {
            compiled.validate(f, out);
        }
        bh.consume(out);
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void protovalidateCel(Blackhole bh) throws Exception {
        for (RequestFact f : facts) {
            ValidationResult r = protovalidate.validate(f);
            bh.consume(r);
        }
    }
}

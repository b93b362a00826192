package io.gravix.ingest;

import io.dropwizard.core.Application;
import io.dropwizard.core.server.AbstractServerFactory;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.Managed;
import io.gravix.GravixConfiguration;
import io.gravix.admin.SealNowTask;
import io.gravix.index.BatchIndex;
import io.gravix.spool.Spool;
import io.gravix.spool.Table;
import io.prometheus.metrics.exporter.servlet.jakarta.PrometheusMetricsServlet;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Gravix's ingest API over real HTTP on a real spool, with a seam in between:
 * a test sets {@link #FAULT} and the next spool call or record encoding fails
 * as it says. Wired like {@code GravixApplication} for everything ingest
 * touches (the resource, its error mappers, the spool, the metrics); no rollup.
 */
public final class FaultySpoolApp extends Application<GravixConfiguration> {

    /** Where a failure is injected. */
    public enum Step { ADMISSION, APPEND, WRITE, ENCODE }

    /** Throw (or fail the write with) {@code failure} at {@code step}. */
    public record Fault(Step step, Throwable failure) {}

    public static final AtomicReference<Fault> FAULT = new AtomicReference<>();

    @Override
    public void run(GravixConfiguration config, Environment environment) throws Exception {
        ((AbstractServerFactory) config.getServerFactory()).getGzipFilterFactory().setEnabled(false);
        PrometheusRegistry registry = new PrometheusRegistry();
        BatchIndex index = BatchIndex.open(config.dataPath().resolve("index.db"));
        Spool spool = new Spool(config.dataPath().resolve("spool"), index, config.getSpool(), Clock.systemUTC(), registry);
        environment.lifecycle().manage(spool);
        environment.lifecycle().manage(new Managed() {
            @Override
            public void stop() {
                index.close();
            }
        });
        ExecutorService ackExecutor = environment.lifecycle().executorService("ingest-ack-%d").minThreads(2).maxThreads(2).build();
        IngestConfig ingest = config.getIngest();
        environment.jersey().register(new IngestResource(ApiKeyAuthenticator.from(config.getAuth(), Map.of()), ingest,
                new FaultySpool(IngestSpool.of(spool)),
                List.of(new EventPreparer<>(faulty(EventTableCodec.requestFacts()), ingest, Clock.systemUTC()),
                        EventPreparer.forServiceEvents(ingest, Clock.systemUTC())),
                registry, ackExecutor, new IngestTap()));
        environment.jersey().register(new IngestErrorMapping(config.getSpool().getRetryAfter()));
        environment.admin().addTask(new SealNowTask(spool));
        environment.admin().addServlet("prometheus", new PrometheusMetricsServlet(registry)).addMapping("/metrics");
    }

    private static <T extends com.google.protobuf.Message> EventTableCodec<T> faulty(EventTableCodec<T> codec) {
        return codec.withEncoder((events, source, micros) -> {
            throwIfAt(Step.ENCODE);
            return codec.encode(events, source, micros);
        });
    }

    private static void throwIfAt(Step step) {
        Fault fault = FAULT.get();
        if (fault != null && fault.step() == step) {
            sneakyThrow(fault.failure());
        }
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> void sneakyThrow(Throwable t) throws E {
        throw (E) t;
    }

    /** The real spool, failing where {@link #FAULT} says. */
    private record FaultySpool(IngestSpool real) implements IngestSpool {
        @Override
        public void checkAdmission(Table table, long bytes) {
            throwIfAt(Step.ADMISSION);
            real.checkAdmission(table, bytes);
        }

        @Override
        public void expectFrame(Table table) {
            real.expectFrame(table);
        }

        @Override
        public void abandonExpected(Table table) {
            real.abandonExpected(table);
        }

        @Override
        public CompletableFuture<Void> appendExpected(Table table, byte[] frame, int events) {
            throwIfAt(Step.APPEND);
            Fault fault = FAULT.get();
            if (fault != null && fault.step() == Step.WRITE) {
                // As if the write failed: the frame is not appended, the future fails later on the writer's side.
                real.abandonExpected(table);
                return CompletableFuture.supplyAsync(() -> null).thenCompose(x -> CompletableFuture.failedFuture(fault.failure()));
            }
            return real.appendExpected(table, frame, events);
        }

        @Override
        public boolean isShuttingDown() {
            return real.isShuttingDown();
        }
    }
}

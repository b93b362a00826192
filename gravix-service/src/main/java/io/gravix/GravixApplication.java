package io.gravix;

import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.Application;
import io.dropwizard.core.server.AbstractServerFactory;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.AutoCloseableManager;
import io.gravix.admin.AdminEndpoints;
import io.gravix.admin.AdminTokenFilter;
import io.gravix.admin.BuildInfo;
import io.gravix.admin.ConditionHealthCheck;
import io.gravix.admin.DlqListTask;
import io.gravix.admin.DlqPurgeTask;
import io.gravix.admin.DlqReplayTask;
import io.gravix.admin.DlqShowTask;
import io.gravix.admin.DropwizardMetricsBridge;
import io.gravix.admin.ProbeServlet;
import io.gravix.admin.Probes;
import io.gravix.admin.ShutdownDrain;
import io.gravix.admin.console.ConsoleServlet;
import io.gravix.admin.console.TapServlet;
import io.gravix.admin.RollupDropBatchTask;
import io.gravix.admin.RollupHealthCheck;
import io.gravix.admin.RollupNowTask;
import io.gravix.admin.SealNowTask;
import io.gravix.dlq.DeadLetterMetrics;
import io.gravix.dlq.DeadLetterQueue;
import io.gravix.dlq.DeadLetterReplayer;
import io.gravix.index.BatchIndex;
import io.gravix.ingest.ApiKeyAuthenticator;
import io.gravix.ingest.EventPreparer;
import io.gravix.ingest.GracefulShutdown;
import io.gravix.ingest.IngestErrorMapping;
import io.gravix.ingest.IngestResource;
import io.gravix.ingest.IngestTap;
import io.gravix.loadgen.LoadgenCommand;
import io.gravix.rollup.CrashPoints;
import io.gravix.rollup.RollupService;
import io.gravix.rollup.RollupStatus;
import io.gravix.spool.Spool;
import io.gravix.store.ObjectStore;
import io.gravix.store.ObjectStoreException;
import io.gravix.store.StoreConfig;
import io.gravix.store.StoreHealthCheck;
import io.prometheus.metrics.exporter.servlet.jakarta.PrometheusMetricsServlet;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gravix: the wiring diagram of the service. Start order: the data directory's lock
 * (nothing is touched before it), object store (built and checked), index, ack executor,
 * spool (recovery, then writers), rollup (seen ids, then its scheduler); Jetty then opens
 * its ports. Stop runs in reverse after Jetty has drained in-flight requests.
 */
public final class GravixApplication extends Application<GravixConfiguration> {
    private static final Logger LOG = LoggerFactory.getLogger(GravixApplication.class);

    private final Map<String, String> env;
    private final Clock clock;
    private final CrashPoints crashPoints;

    /** The production entry point: nothing in the environment can arm a crash point. */
    public GravixApplication() {
        this(System.getenv(), Clock.systemUTC());
    }

    /** For tests: an explicit environment (GRAVIX_API_KEY, GRAVIX_ADMIN_TOKEN) and clock. */
    public GravixApplication(Map<String, String> env, Clock clock) {
        this(env, clock, CrashPoints.NONE);
    }

    /** For the crash tests' entry point (test sources only): a run stops at an armed crash point. */
    GravixApplication(Map<String, String> env, Clock clock, CrashPoints crashPoints) {
        this.env = Map.copyOf(env);
        this.clock = clock;
        this.crashPoints = crashPoints;
    }

    public static void main(String[] args) throws Exception {
        new GravixApplication().run(args);
    }

    @Override
    public String getName() {
        return "gravix";
    }

    @Override
    public void initialize(Bootstrap<GravixConfiguration> bootstrap) {
        // ${GRAVIX_HTTP_PORT:-8080} and friends in config files.
        bootstrap.setConfigurationSourceProvider(new SubstitutingSourceProvider(
                bootstrap.getConfigurationSourceProvider(), new EnvironmentVariableSubstitutor(false)));
        bootstrap.addCommand(new LoadgenCommand());
    }

    @Override
    public void run(GravixConfiguration config, Environment environment) throws Exception {
        // Gravix decodes gzip bodies itself, within its size limits; Jetty must not inflate them first.
        ((AbstractServerFactory) config.getServerFactory()).getGzipFilterFactory().setEnabled(false);
        PrometheusRegistry registry = prometheusRegistry(environment);
        BuildInfo build = BuildInfo.load();
        build.register(registry);
        Path dataDir = config.dataPath();

        // The lock first: a second instance started by mistake refuses before it touches the data or the lake.
        closeOnStop(environment, DataDirectoryLock.acquire(dataDir));
        ObjectStore store = closeOnStop(environment, checkedStore(config.getStore(), dataDir));
        BatchIndex index = closeOnStop(environment, BatchIndex.open(dataDir.resolve("index.db")));
        ExecutorService ackExecutor = environment.lifecycle().executorService("ingest-ack-%d").minThreads(2).maxThreads(2).build();
        Spool spool = new Spool(dataDir.resolve("spool"), index, config.getSpool(), clock, registry);
        environment.lifecycle().manage(spool);
        // On SIGTERM: /ready off at once, ingest accepting for the drain delay, then refusing (probes.drainDelay).
        ShutdownDrain drain = new ShutdownDrain(config.getProbes().getDrainDelay().toJavaDuration());
        environment.lifecycle().addEventListener(new GracefulShutdown(spool, config.getSpool().getRetryAfter(), drain::drain));

        DeadLetterQueue deadLetters = new DeadLetterQueue(dataDir.resolve("dlq"), clock);
        DeadLetterMetrics.register(registry, deadLetters);
        warnIfArmed(crashPoints);
        RollupService rollup = new RollupService(config.getRollup(), index, spool::tableDirectory, dataDir.resolve("rollup-work"), store, deadLetters, clock, registry, crashPoints);
        // Managed after the spool, so stopped before it: a run in progress ends before the spool seals its files.
        environment.lifecycle().manage(rollup);

        IngestTap tap = new IngestTap();
        environment.jersey().register(new IngestResource(ApiKeyAuthenticator.from(config.getAuth(), env), config.getIngest(), spool,
                List.of(EventPreparer.forRequestFacts(config.getIngest(), clock), EventPreparer.forServiceEvents(config.getIngest(), clock)),
                registry, ackExecutor, tap));
        environment.jersey().register(new IngestErrorMapping(config.getSpool().getRetryAfter()));

        Supplier<String> indexProblem = () -> index.isHealthy() ? null : "batch index does not answer";
        environment.healthChecks().register("index", new ConditionHealthCheck(indexProblem));
        environment.healthChecks().register("spool", new ConditionHealthCheck(spool::unwritableReason));
        environment.healthChecks().register("store", new StoreHealthCheck(store, () -> rollupStoreProblem(rollup)));
        environment.healthChecks().register("rollup", new RollupHealthCheck(rollup.status()));
        ProbeServlet live = Probes.liveness(spool, config.getProbes());
        ProbeServlet ready = Probes.readiness(index, spool, drain);
        environment.admin().addServlet("live", live).addMapping("/live");
        environment.admin().addServlet("ready", ready).addMapping("/ready");
        environment.admin().addServlet("prometheus", new PrometheusMetricsServlet(registry)).addMapping("/metrics");

        AdminEndpoints.configure(environment, AdminTokenFilter.from(config.getAdmin(), env), List.of(
                new SealNowTask(spool),
                new RollupNowTask(spool, rollup),
                new RollupDropBatchTask(index, rollup),
                new DlqListTask(deadLetters),
                new DlqShowTask(deadLetters),
                new DlqReplayTask(deadLetters, new DeadLetterReplayer(deadLetters, spool::importSealedBatch)),
                new DlqPurgeTask(deadLetters)));

        // The operator console; its tap (event contents) is behind the token (AdminEndpoints.TOKEN_PATHS).
        var history = ConsoleServlet.history(registry, clock);
        environment.lifecycle().manage(history);
        environment.admin().addServlet("console", new ConsoleServlet(new ConsoleServlet.Sources(registry, environment.healthChecks(),
                ready, live, rollup, deadLetters, build), history)).addMapping("/console");
        environment.admin().addServlet("console-tap", new TapServlet(tap)).addMapping("/console/tap");
    }

    /** Closed when Dropwizard stops its managed objects, in reverse order of registration. */
    private static <T extends AutoCloseable> T closeOnStop(Environment environment, T resource) {
        environment.lifecycle().manage(new AutoCloseableManager(resource));
        return resource;
    }

    /** Gravix's metrics, the JVM's, and Dropwizard's own (Jetty, logback) under a {@code dropwizard_} prefix. */
    private static PrometheusRegistry prometheusRegistry(Environment environment) {
        PrometheusRegistry registry = new PrometheusRegistry();
        JvmMetrics.builder().register(registry);
        registry.register(new DropwizardMetricsBridge(environment.metrics()));
        return registry;
    }

    private static void warnIfArmed(CrashPoints crashPoints) {
        if (crashPoints.isArmed()) {
            LOG.error("TEST HOOK ARMED: {}; this process is started by a crash test, not for real use", crashPoints);
        }
    }

    /** What the rollup reports about the store, for the {@code store} health check; null when nothing. */
    private static String rollupStoreProblem(RollupService rollup) {
        RollupStatus.Snapshot s = rollup.status().snapshot();
        return s.failing() && s.lastFailureKind().orElse(null) == RollupStatus.FailureKind.STORE
                ? "rollup: " + RollupHealthCheck.describe(s) : null;
    }

    /**
     * The lake's store, checked. A store that cannot work as configured (missing bucket,
     * rejected credentials, unwritable lake directory) stops start-up with the store's
     * message. A store that is only unreachable does not: ingest needs no store, the spool
     * holds events until it is back, and the {@code store} health check reports it.
     */
    private static ObjectStore checkedStore(StoreConfig config, Path dataDir) throws IOException {
        ObjectStore store = config.build(dataDir);
        try {
            store.verify();
            LOG.info("object store: {}", store);
        } catch (ObjectStoreException e) {
            if (e.isConfigurationError()) {
                store.close();
                throw e;
            }
            LOG.warn("object store {} is not usable now ({}); ingest goes on, see the 'store' health check", store, e.getMessage());
        } catch (IOException e) {
            store.close();
            throw new ObjectStoreException(ObjectStoreException.Reason.FAILED, "object store " + store + " failed its start-up check: " + e, e);
        }
        return store;
    }
}

package io.gravix;

import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.Application;
import io.dropwizard.core.server.AbstractServerFactory;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.Managed;
import io.dropwizard.servlets.tasks.Task;
import io.gravix.admin.AdminTokenFilter;
import io.gravix.admin.DlqListTask;
import io.gravix.admin.DlqPurgeTask;
import io.gravix.admin.DlqReplayTask;
import io.gravix.admin.DlqShowTask;
import io.gravix.admin.DropwizardMetricsBridge;
import io.gravix.admin.ProbeServlet;
import io.gravix.admin.RollupNowTask;
import io.gravix.admin.SealNowTask;
import io.gravix.admin.TaskRequestCheckFilter;
import io.gravix.dlq.DeadLetterMetrics;
import io.gravix.dlq.DeadLetterQueue;
import io.gravix.dlq.DeadLetterReplayer;
import io.gravix.rollup.CrashPoints;
import io.gravix.rollup.RollupService;
import io.gravix.index.BatchIndex;
import io.gravix.ingest.ApiKeyAuthenticator;
import io.gravix.ingest.EventPreparer;
import io.gravix.ingest.IngestErrorMapping;
import io.gravix.ingest.IngestResource;
import io.gravix.ingest.ShuttingDownErrorHandler;
import io.gravix.loadgen.LoadgenCommand;
import io.gravix.spool.Spool;
import io.gravix.store.ObjectStore;
import io.gravix.store.ObjectStoreException;
import io.gravix.store.StoreHealthCheck;
import io.prometheus.metrics.exporter.servlet.jakarta.PrometheusMetricsServlet;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.servlet.DispatcherType;
import java.io.IOException;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gravix: the wiring diagram of the service. Start order: object store (built and
 * checked), index, ack executor, spool (recovery, then writers), rollup (seen ids, then its scheduler); Jetty then opens its ports. Stop runs in
 * reverse after Jetty has drained in-flight requests.
 */
public final class GravixApplication extends Application<GravixConfiguration> {
    private static final Logger LOG = LoggerFactory.getLogger(GravixApplication.class);

    private final Map<String, String> env;
    private final Clock clock;

    public GravixApplication() {
        this(System.getenv(), Clock.systemUTC());
    }

    /** For tests: an explicit environment (GRAVIX_API_KEY, GRAVIX_ADMIN_TOKEN) and clock. */
    public GravixApplication(Map<String, String> env, Clock clock) {
        this.env = Map.copyOf(env);
        this.clock = clock;
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
        PrometheusRegistry registry = new PrometheusRegistry();
        JvmMetrics.builder().register(registry);
        registry.register(new DropwizardMetricsBridge(environment.metrics()));

        // The lake; the rollup is its only writer. Checked first: a misconfigured store fails start-up.
        ObjectStore store = config.getStore().build(config.dataPath());
        checkStoreAtStartup(store);
        environment.lifecycle().manage(new Managed() {
            @Override
            public void stop() {
                store.close();
            }
        });

        DataDirectoryLock dataLock = DataDirectoryLock.acquire(config.dataPath());
        environment.lifecycle().manage(new Managed() {
            @Override
            public void stop() throws Exception {
                dataLock.close();
            }
        });
        BatchIndex index = BatchIndex.open(config.dataPath().resolve("index.db"));
        environment.lifecycle().manage(new Managed() {
            @Override
            public void stop() {
                index.close();
            }
        });
        ExecutorService ackExecutor = environment.lifecycle().executorService("ingest-ack-%d")
                .minThreads(2).maxThreads(2).build();
        Spool spool = new Spool(config.dataPath().resolve("spool"), index, config.getSpool(), clock, registry);
        environment.lifecycle().manage(spool);
        environment.lifecycle().addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStarting(LifeCycle event) {
                // Requests Jetty itself refuses during a graceful stop get Gravix's 503 (JSON, Retry-After).
                if (event instanceof Server) {
                    ((Server) event).setErrorHandler(new ShuttingDownErrorHandler(config.getSpool().getRetryAfter()));
                }
            }

            @Override
            public void lifeCycleStopping(LifeCycle event) {
                spool.beginShutdown();
            }
        });

        DeadLetterQueue deadLetters = new DeadLetterQueue(config.dataPath().resolve("dlq"), clock);
        DeadLetterMetrics.register(registry, deadLetters);
        RollupService rollup = new RollupService(config.getRollup(), index, spool::tableDirectory,
                config.dataPath().resolve("rollup-work"), store, deadLetters, clock, registry,
                CrashPoints.fromEnv(env.get(CrashPoints.ENV)));
        // Managed after the spool, so stopped before it: a run in progress ends before the spool seals its files.
        environment.lifecycle().manage(rollup);

        ApiKeyAuthenticator authenticator = ApiKeyAuthenticator.from(config.getAuth(), env);
        if (authenticator.keyCount() == 0) {
            LOG.warn("no API keys configured: every ingest request will get 401 (set GRAVIX_API_KEY or auth.apiKeys)");
        }
        environment.jersey().register(new IngestResource(authenticator, config.getIngest(), spool,
                List.of(EventPreparer.forRequestFacts(config.getIngest(), clock), EventPreparer.forServiceEvents(config.getIngest(), clock)),
                registry, ackExecutor));
        environment.jersey().register(new IngestErrorMapping(config.getSpool().getRetryAfter()));

        java.util.function.Supplier<String> indexProblem = () -> index.isHealthy() ? null : "batch index does not answer";
        environment.healthChecks().register("index", new io.gravix.admin.ConditionHealthCheck(indexProblem));
        environment.healthChecks().register("spool", new io.gravix.admin.ConditionHealthCheck(spool::unwritableReason));
        environment.healthChecks().register("store", new StoreHealthCheck(store));
        environment.admin().addServlet("live", new ProbeServlet(List.of(
                new ProbeServlet.Check("process", () -> null)))).addMapping("/live");
        environment.admin().addServlet("ready", new ProbeServlet(List.of(
                new ProbeServlet.Check("index", indexProblem),
                new ProbeServlet.Check("spool", spool::unwritableReason),
                new ProbeServlet.Check("accepting", () -> spool.isShuttingDown() ? "shutting down" : null)))).addMapping("/ready");
        environment.admin().addServlet("prometheus", new PrometheusMetricsServlet(registry)).addMapping("/metrics");

        AdminTokenFilter adminToken = AdminTokenFilter.from(config.getAdmin(), env);
        if (!adminToken.hasToken()) {
            LOG.warn("no admin token configured: admin tasks are disabled (set GRAVIX_ADMIN_TOKEN or admin.tokenSha256)");
        }
        List<Task> tasks = List.of(
                new SealNowTask(spool),
                new RollupNowTask(spool, rollup),
                new DlqListTask(deadLetters),
                new DlqShowTask(deadLetters),
                new DlqReplayTask(deadLetters, new DeadLetterReplayer(deadLetters, spool::importSealedBatch)),
                new DlqPurgeTask(deadLetters));
        // Token first (401), then the tasks' own parameter checks (400/404), then the task servlet.
        environment.admin().addFilter("admin-token", adminToken).addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/tasks/*");
        environment.admin().addFilter("task-checks", TaskRequestCheckFilter.forTasks(tasks))
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/tasks/*");
        tasks.forEach(environment.admin()::addTask);
    }

    /**
     * A store that cannot work as configured (missing bucket, rejected credentials,
     * unwritable lake directory) stops start-up with the store's message. A store
     * that is only unreachable does not: ingest needs no store, the spool holds
     * events until it is back, and the {@code store} health check reports it.
     */
    private static void checkStoreAtStartup(ObjectStore store) throws ObjectStoreException {
        try {
            store.verify();
            LOG.info("object store: {}", store);
        } catch (ObjectStoreException e) {
            if (e.isConfigurationError()) {
                throw e;
            }
            LOG.warn("object store {} is not usable now ({}); ingest goes on, see the 'store' health check", store, e.getMessage());
        } catch (IOException e) {
            throw new ObjectStoreException(ObjectStoreException.Reason.FAILED, "object store " + store + " failed its start-up check: " + e, e);
        }
    }
}

package io.gravix.loadgen;

import io.dropwizard.core.cli.Command;
import io.dropwizard.core.setup.Bootstrap;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import net.sourceforge.argparse4j.impl.Arguments;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code java -jar gravix.jar loadgen --url … --api-key … --events N --batch B --format json|ndjson|protobuf},
 * optionally {@code --verify}: afterwards check that every acknowledged event reached the lake
 * exactly once. Exit status 1 when the verification fails or the run cannot be done.
 */
public final class LoadgenCommand extends Command {

    public LoadgenCommand() {
        super("loadgen", "Sends generated events to a Gravix server and reports throughput and ack latency");
    }

    @Override
    public void configure(Subparser p) {
        p.addArgument("--url").setDefault("http://127.0.0.1:8080").help("ingest API base URL");
        p.addArgument("--admin-url").help("admin base URL; when given, fsync figures are read from its /metrics");
        p.addArgument("--api-key").required(true).help("API key (sent as Bearer)");
        p.addArgument("--table").setDefault("request-facts").choices("request-facts", "service-events");
        p.addArgument("--format").setDefault("json").choices("json", "ndjson", "protobuf");
        p.addArgument("--events").type(Long.class).setDefault(100_000L).help("distinct events to send");
        p.addArgument("--batch").type(Integer.class).setDefault(500).help("events per request");
        p.addArgument("--concurrency").type(Integer.class).setDefault(8).help("client threads");
        p.addArgument("--rate").type(Double.class).setDefault(0.0).help("target events/s; 0 = unlimited");
        p.addArgument("--gzip").action(Arguments.storeTrue()).help("gzip request bodies");
        p.addArgument("--duplicate-ratio").type(Double.class).setDefault(0.0)
                .help("share of requests sent again later, as client retries (0.05 = 5 %)");
        p.addArgument("--run-tag").help("prefix of this run's event ids (<tag>-<n>); default lg<current time>");
        p.addArgument("--verify").action(Arguments.storeTrue())
                .help("after sending, read the lake until every acknowledged event is there; report missing, duplicated"
                        + " and unexpected rows; exit status 1 if there are any");
        p.addArgument("--config").help("--verify: the server's config.yml, for its dataDir and store (same environment"
                + " variables as the server); default: the local lake ./data/lake");
        p.addArgument("--verify-timeout").setDefault("120s").help("--verify: how long to wait for the lake, e.g. 120s");
        p.addArgument("--admin-token").setDefault(System.getenv("GRAVIX_ADMIN_TOKEN"))
                .help("--verify: admin token for POST /tasks/rollup-now on --admin-url (default $GRAVIX_ADMIN_TOKEN);"
                        + " without it the scheduled rollup is awaited");
    }

    /** A bad option, a failed verification or an unreadable lake gets its message, not a stack trace. */
    @Override
    public void onError(io.dropwizard.core.cli.Cli cli, Namespace namespace, Throwable e) {
        if (e instanceof IllegalArgumentException || e instanceof VerificationFailed || e instanceof java.io.IOException) {
            cli.getStdErr().println("loadgen: " + e.getMessage());
        } else {
            super.onError(cli, namespace, e);
        }
    }

    @Override
    public void run(Bootstrap<?> bootstrap, Namespace ns) throws Exception {
        String admin = ns.getString("admin_url");
        LoadgenOptions options = new LoadgenOptions(URI.create(ns.getString("url")), admin == null ? null : URI.create(admin),
                ns.getString("api_key"), ns.getString("table"), ns.getString("format"), ns.getLong("events"),
                ns.getInt("batch"), ns.getInt("concurrency"), ns.getDouble("rate"), ns.getBoolean("gzip"),
                ns.getDouble("duplicate_ratio"), ns.getString("run_tag"));
        if (!ns.getBoolean("verify")) {
            LoadRun.print(options, new LoadRun(options).run(), System.out);
            return;
        }
        String config = ns.getString("config");
        VerifyOptions verify = new VerifyOptions(config == null ? null : Path.of(config),
                Duration.ofMillis(io.dropwizard.util.Duration.parse(ns.getString("verify_timeout")).toMilliseconds()),
                ns.getString("admin_token"));
        try (LakeCheck lake = LakeCheck.open(verify, options.table())) {
            LoadRun run = new LoadRun(options);
            LoadRun.print(options, run.run(), System.out);
            VerifyReport report = lake.verify(options, run, System.out);
            report.print(lake.lakeTable(), System.out);
            System.out.flush();
            if (!report.passed()) {
                throw new VerificationFailed(report.failure());
            }
        }
    }

    /** The lake did not hold every acknowledged event exactly once; the report says what differed. */
    static final class VerificationFailed extends RuntimeException {
        VerificationFailed(String message) {
            super(message);
        }
    }
}

package io.gravix.loadgen;

import io.dropwizard.core.cli.Command;
import io.dropwizard.core.setup.Bootstrap;
import java.net.URI;
import net.sourceforge.argparse4j.impl.Arguments;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/** {@code java -jar gravix.jar loadgen --url … --api-key … --events N --batch B --format json|ndjson|protobuf}. */
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
    }

    /** A bad option gets its message, not a stack trace. */
    @Override
    public void onError(io.dropwizard.core.cli.Cli cli, Namespace namespace, Throwable e) {
        if (e instanceof IllegalArgumentException) {
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
                ns.getDouble("duplicate_ratio"));
        LoadRun.Report report = new LoadRun(options).run();
        LoadRun.print(options, report, System.out);
    }
}

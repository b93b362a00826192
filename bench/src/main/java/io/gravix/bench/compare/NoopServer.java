package io.gravix.bench.compare;

import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.Application;
import io.dropwizard.core.Configuration;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;

/**
 * The HTTP ceiling of {@code bench/compare.sh}: the same Dropwizard/Jetty/Jersey stack and
 * ingest paths as Gravix, reading each body into a byte array as Gravix does and answering
 * 202 without decoding, validating or writing anything.
 *
 * <p>{@code java -cp bench/target/benchmarks.jar io.gravix.bench.compare.NoopServer server bench/noop.yml}
 */
public final class NoopServer extends Application<Configuration> {
    public static void main(String[] args) throws Exception {
        new NoopServer().run(args);
    }

    @Override
    public void initialize(Bootstrap<Configuration> bootstrap) {
        bootstrap.setConfigurationSourceProvider(new SubstitutingSourceProvider(bootstrap.getConfigurationSourceProvider(),
                new EnvironmentVariableSubstitutor(false)));
    }

    @Override
    public void run(Configuration configuration, Environment environment) {
        environment.jersey().register(new Sink());
    }

    /** Accepts any body on Gravix's ingest paths. */
    @Path("/v1")
    @Produces(MediaType.APPLICATION_JSON)
    public static final class Sink {
        @POST
        @Path("/{table}")
        public Response accept(InputStream body) throws IOException {
            byte[] bytes = body.readAllBytes();
            return Response.accepted("{\"bytes\":" + bytes.length + "}").build();
        }
    }
}

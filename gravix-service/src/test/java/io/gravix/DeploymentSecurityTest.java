package io.gravix;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.dropwizard.configuration.DefaultConfigurationFactoryFactory;
import io.dropwizard.configuration.FileConfigurationSourceProvider;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import io.gravix.ingest.ApiKeyAuthenticator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.commons.text.StringSubstitutor;
import org.junit.jupiter.api.Test;

/**
 * Which API keys the shipped deployments accept: the shipped config.yml read with the
 * environment each deployment gives it (the README's quick start: none; the Docker
 * image: its {@code ENV} lines; docker-compose: those plus the service's
 * {@code environment:}). The development key, whose plain value the README prints,
 * may only work in the quick start.
 */
class DeploymentSecurityTest {
    private static final Path REPO = Path.of("..");
    private static final String DEV_KEY = "gravix-dev-key";

    @Test
    void theQuickStartAcceptsTheDevelopmentKey() throws Exception {
        assertThat(authenticator(Map.of()).authenticate("Bearer " + DEV_KEY, null)).isEqualTo("dev");
    }

    @Test
    void aDeploymentWithItsOwnKeyRefusesTheDevelopmentKey() throws Exception {
        ApiKeyAuthenticator auth = authenticator(Map.of("GRAVIX_API_KEY", "own-key"));

        assertThat(auth.authenticate("Bearer " + DEV_KEY, null)).isNull();
        assertThat(auth.authenticate("Bearer own-key", null)).isEqualTo("default");
    }

    @Test
    void theDockerImageRefusesTheDevelopmentKeyEvenWithoutAKeyOfItsOwn() throws Exception {
        assertThat(authenticator(dockerfileEnv()).authenticate("Bearer " + DEV_KEY, null)).isNull();
    }

    @Test
    void theComposeDeploymentRefusesTheDevelopmentKeyAndAcceptsItsOwn() throws Exception {
        Map<String, String> env = new HashMap<>(dockerfileEnv());
        JsonNode environment = new ObjectMapper(new YAMLFactory())
                .readTree(REPO.resolve("docker-compose.yml").toFile()).at("/services/gravix/environment");
        environment.fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        ApiKeyAuthenticator auth = authenticator(env);

        assertThat(auth.authenticate("Bearer " + DEV_KEY, null)).isNull();
        assertThat(auth.authenticate("Bearer " + env.get("GRAVIX_API_KEY"), null)).isEqualTo("default");
    }

    /** The shipped config.yml with {@code env} as the process environment, as GravixApplication reads it. */
    private static ApiKeyAuthenticator authenticator(Map<String, String> env) throws Exception {
        GravixConfiguration config = new DefaultConfigurationFactoryFactory<GravixConfiguration>()
                .create(GravixConfiguration.class, Validators.newValidator(), Jackson.newObjectMapper(), "dw")
                .build(new SubstitutingSourceProvider(new FileConfigurationSourceProvider(), new StringSubstitutor(env)),
                        REPO.resolve("config.yml").toString());
        return ApiKeyAuthenticator.from(config.getAuth(), env);
    }

    /** The {@code ENV name=value} lines of the Dockerfile's final stage. */
    private static Map<String, String> dockerfileEnv() throws Exception {
        Map<String, String> env = new HashMap<>();
        for (String line : Files.readAllLines(REPO.resolve("Dockerfile"))) {
            if (line.startsWith("FROM ")) {
                env.clear();
            } else if (line.startsWith("ENV ")) {
                for (String pair : line.substring(4).trim().split("\\s+")) {
                    String[] nameValue = pair.split("=", 2);
                    env.put(nameValue[0], nameValue[1]);
                }
            }
        }
        assertThat(env).as("the Dockerfile's ENV lines").isNotEmpty();
        return env;
    }
}

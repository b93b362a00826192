package io.gravix.testing;

import io.dropwizard.core.Application;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.gravix.GravixApplication;
import io.gravix.GravixConfiguration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts Gravix in-process on loopback with {@code test-config.yml} (ephemeral
 * ports) and its own data directory. The application gets an empty environment,
 * so a GRAVIX_API_KEY or GRAVIX_ADMIN_TOKEN set on the machine cannot change
 * the keys the tests rely on.
 */
public final class GravixTestApp {
    /** Key named {@value #API_KEY_NAME} in test-config.yml. */
    public static final String API_KEY = "test-key";
    public static final String API_KEY_NAME = "tests";
    /** Key named {@value #OTHER_KEY_NAME} in test-config.yml. */
    public static final String OTHER_KEY = "other-key";
    public static final String OTHER_KEY_NAME = "other";
    public static final String ADMIN_TOKEN = "test-admin";

    private GravixTestApp() {}

    /**
     * A new empty data directory under {@code target/it-data}: build output, so
     * {@code mvn clean} removes it, and it is left in place after a failed run for inspection.
     */
    public static Path newDataDir(String owner) {
        try {
            Path root = Files.createDirectories(Path.of("target", "it-data"));
            return Files.createTempDirectory(root, owner + "-").toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Not started yet: call {@code before()} and {@code after()}. */
    public static DropwizardTestSupport<GravixConfiguration> support(Path dataDir, ConfigOverride... overrides) {
        List<ConfigOverride> all = new ArrayList<>();
        all.add(ConfigOverride.config("dataDir", dataDir.toString()));
        all.addAll(List.of(overrides));
        return new DropwizardTestSupport<>(GravixApplication.class, ResourceHelpers.resourceFilePath("test-config.yml"),
                all.toArray(new ConfigOverride[0])) {
            @Override
            public Application<GravixConfiguration> newApplication() {
                return new GravixApplication(Map.of(), Clock.systemUTC());
            }
        };
    }

    /** For a static field of a test class run with {@code DropwizardExtensionsSupport}. */
    public static DropwizardAppExtension<GravixConfiguration> extension(Path dataDir, ConfigOverride... overrides) {
        return new DropwizardAppExtension<>(support(dataDir, overrides));
    }
}

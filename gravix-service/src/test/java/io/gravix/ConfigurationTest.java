package io.gravix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dropwizard.configuration.ConfigurationException;
import io.dropwizard.configuration.ConfigurationFactory;
import io.dropwizard.configuration.DefaultConfigurationFactoryFactory;
import io.dropwizard.configuration.ConfigurationValidationException;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.FileConfigurationSourceProvider;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.dropwizard.util.DataSize;
import io.dropwizard.util.Duration;
import io.gravix.admin.AdminConfig;
import io.gravix.admin.ProbesConfig;
import io.gravix.ingest.ApiKey;
import io.gravix.ingest.AuthConfig;
import io.gravix.ingest.IngestConfig;
import io.gravix.ingest.Sha256;
import io.gravix.rollup.RollupConfig;
import io.gravix.spool.SpoolConfig;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pins every configuration default and parses the shipped config.yml the way the application does. */
class ConfigurationTest {
    private static final Path SHIPPED = Path.of("..", "config.yml"); // tests run in gravix-service/
    private static final Path TEST_CONFIG = Path.of("src", "test", "resources", "test-config.yml");

    private final Validator validator = Validators.newValidator();

    @TempDir
    Path tmp;

    private GravixConfiguration load(Path path) throws IOException, ConfigurationException {
        // The factory Dropwizard's Bootstrap uses (a YamlConfigurationFactory that fails on unknown
        // properties), with the source provider GravixApplication#initialize installs.
        ConfigurationFactory<GravixConfiguration> factory = new DefaultConfigurationFactoryFactory<GravixConfiguration>()
                .create(GravixConfiguration.class, validator, Jackson.newObjectMapper(), "dw");
        assertThat(factory).isInstanceOf(YamlConfigurationFactory.class);
        return factory.build(new SubstitutingSourceProvider(new FileConfigurationSourceProvider(),
                new EnvironmentVariableSubstitutor(false)), path.toString());
    }

    private GravixConfiguration loadYaml(String yaml) throws IOException, ConfigurationException {
        return load(Files.writeString(tmp.resolve("config.yml"), yaml));
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null ? fallback : v;
    }

    // --- defaults ----------------------------------------------------------------------------------

    @Test
    void ingestDefaults() {
        IngestConfig c = new IngestConfig();
        assertThat(c.getMaxBodySize()).isEqualTo(DataSize.mebibytes(5));
        assertThat(c.getMaxDecompressedSize()).isEqualTo(DataSize.mebibytes(50));
        assertThat(c.getMaxEventsPerRequest()).isEqualTo(10_000);
        assertThat(c.getMaxEventAge()).isEqualTo(Duration.days(7));
        assertThat(c.getMaxClockSkew()).isEqualTo(Duration.minutes(5));
        assertThat(c.getMaxErrorDetails()).isEqualTo(100);
    }

    @Test
    void spoolDefaults() {
        SpoolConfig c = new SpoolConfig();
        assertThat(c.getMaxFileSize()).isEqualTo(DataSize.mebibytes(64));
        assertThat(c.getMaxFileAge()).isEqualTo(Duration.seconds(10));
        assertThat(c.getFlushMaxBytes()).isEqualTo(DataSize.mebibytes(8));
        assertThat(c.getFlushMaxWait()).isEqualTo(Duration.milliseconds(10));
        assertThat(c.getMaxQueuedBytes()).isEqualTo(DataSize.mebibytes(256));
        assertThat(c.getMinFreeDisk()).isEqualTo(DataSize.mebibytes(512));
        assertThat(c.getMaxSealedBytes()).isEqualTo(DataSize.gibibytes(10));
        assertThat(c.getMaxSealedBatches()).isEqualTo(10_000);
        assertThat(c.getRetryAfter()).isEqualTo(Duration.seconds(5));
    }

    @Test
    void authDefaults() {
        assertThat(new AuthConfig().getApiKeys()).isEmpty();
        assertThat(new AuthConfig().isDevKey()).as("the public development key is opt-in").isFalse();
    }

    @Test
    void adminDefaults() {
        assertThat(new AdminConfig().getTokenSha256()).isNull();
    }

    @Test
    void probesDefaults() {
        ProbesConfig c = new ProbesConfig();
        assertThat(c.getDrainDelay()).isEqualTo(Duration.seconds(5));
        assertThat(c.getWriterStallLimit()).isEqualTo(Duration.seconds(30));
    }

    @Test
    void gravixConfigurationDefaults() {
        GravixConfiguration c = new GravixConfiguration();
        assertThat(c.getDataDir()).isEqualTo("./data");
        assertThat(c.dataPath()).isEqualTo(Path.of("./data"));
        assertThat(c.getIngest()).isNotNull();
        assertThat(c.getSpool()).isNotNull();
        assertThat(c.getAuth()).isNotNull();
        assertThat(c.getAdmin()).isNotNull();
    }

    @Test
    void theDefaultsAreValid() {
        assertThat(validator.validate(new GravixConfiguration())).isEmpty();
    }

    @Test
    void rollupDefaults() {
        RollupConfig c = new RollupConfig();
        assertThat(c.getInterval()).isEqualTo(Duration.seconds(10));
        assertThat(c.getBacklogThreshold()).isEqualTo(DataSize.mebibytes(256));
        assertThat(c.getMaxRunBytes()).isEqualTo(DataSize.mebibytes(64));
        assertThat(c.getMaxRowsPerFile()).isEqualTo(1_000_000);
        assertThat(c.getWriterThreads()).isEqualTo(2);
        assertThat(c.getDedupeWindow()).isEqualTo(Duration.minutes(7 * 24 * 60 + 5));
        assertThat(c.getMaxBackoff()).isEqualTo(Duration.minutes(5));
        assertThat(c.getMinFreeDisk()).isEqualTo(DataSize.mebibytes(512));
        assertThat(c.isAcceptLakeAheadOfIndex()).isFalse();
        assertThat(c.getSeenIdCacheSize()).isEqualTo(DataSize.mebibytes(32));
    }

    @Test
    void aRetryWindowLongerThanTheDedupeWindowIsRefused() {
        GravixConfiguration c = new GravixConfiguration();
        c.getRollup().setDedupeWindow(Duration.days(7)); // the old default: 7 d + 5 min of retries do not fit
        assertThat(validator.validate(c)).extracting(ConstraintViolation::getMessage).singleElement().asString()
                .contains("ingest.maxEventAge + ingest.maxClockSkew must not exceed rollup.dedupeWindow");
        c.getRollup().setDedupeWindow(Duration.minutes(7 * 24 * 60 + 5)); // exactly enough
        assertThat(validator.validate(c)).isEmpty();
        c.getIngest().setMaxClockSkew(Duration.minutes(6));
        assertThat(validator.validate(c)).isNotEmpty();
    }

    // --- the shipped config.yml --------------------------------------------------------------------

    @Test
    void theShippedConfigParsesAndValidates() throws Exception {
        GravixConfiguration c = load(SHIPPED);

        assertThat(c.getDataDir()).isEqualTo(env("GRAVIX_DATA_DIR", "./data"));
        DefaultServerFactory server = (DefaultServerFactory) c.getServerFactory();
        HttpConnectorFactory app = (HttpConnectorFactory) server.getApplicationConnectors().get(0);
        HttpConnectorFactory admin = (HttpConnectorFactory) server.getAdminConnectors().get(0);
        assertThat(app.getPort()).isEqualTo(Integer.parseInt(env("GRAVIX_HTTP_PORT", "8080")));
        assertThat(admin.getPort()).isEqualTo(Integer.parseInt(env("GRAVIX_ADMIN_PORT", "8081")));
        assertThat(app.getBindHost()).isEqualTo(env("GRAVIX_BIND_HOST", "0.0.0.0"));
        assertThat(server.getShutdownGracePeriod()).isEqualTo(Duration.seconds(30));

        IngestConfig ingest = c.getIngest();
        assertThat(ingest.getMaxBodySize()).isEqualTo(DataSize.mebibytes(5));
        assertThat(ingest.getMaxDecompressedSize()).isEqualTo(DataSize.mebibytes(50));
        assertThat(ingest.getMaxEventsPerRequest()).isEqualTo(10_000);
        assertThat(ingest.getMaxEventAge()).isEqualTo(Duration.days(7));
        assertThat(ingest.getMaxClockSkew()).isEqualTo(Duration.minutes(5));

        SpoolConfig spool = c.getSpool();
        assertThat(spool.getMaxFileSize()).isEqualTo(DataSize.mebibytes(64));
        assertThat(spool.getMaxFileAge()).isEqualTo(Duration.seconds(10));
        assertThat(spool.getFlushMaxBytes()).isEqualTo(DataSize.mebibytes(8));
        assertThat(spool.getFlushMaxWait()).isEqualTo(Duration.milliseconds(10));
        assertThat(spool.getMaxQueuedBytes()).isEqualTo(DataSize.mebibytes(256));
        assertThat(spool.getMinFreeDisk()).isEqualTo(DataSize.mebibytes(512));
        assertThat(spool.getMaxSealedBytes()).isEqualTo(DataSize.gibibytes(10));
        assertThat(spool.getMaxSealedBatches()).isEqualTo(10_000);
        assertThat(spool.getRetryAfter()).isEqualTo(Duration.seconds(5));

        assertThat(c.getAuth().getApiKeys()).isEmpty();
        // the quick start opts in to the development key; GRAVIX_DEV_KEY=false (the Docker image) opts out
        assertThat(c.getAuth().isDevKey()).isEqualTo(Boolean.parseBoolean(env("GRAVIX_DEV_KEY", "true")));
        assertThat(c.getAdmin().getTokenSha256()).isNull();
        assertThat(c.getProbes().getDrainDelay()).isEqualTo(Duration.parse(env("GRAVIX_DRAIN_DELAY", "5s")));
        assertThat(c.getProbes().getWriterStallLimit()).isEqualTo(Duration.seconds(30));
        assertThat(validator.validate(c)).isEmpty();
    }

    @Test
    void theSharedTestConfigParsesAndValidates() throws Exception {
        GravixConfiguration c = load(TEST_CONFIG);
        assertThat(c.getAuth().getApiKeys()).extracting(ApiKey::getName).containsExactly("tests", "other");
        // the comment in test-config.yml names the plain keys and admin token
        assertThat(c.getAuth().getApiKeys()).extracting(ApiKey::getSha256)
                .containsExactly(Sha256.hex("test-key"), Sha256.hex("other-key"));
        assertThat(c.getAdmin().getTokenSha256()).isEqualTo(Sha256.hex("test-admin"));
        assertThat(c.getProbes().getDrainDelay()).as("in-process tests need no drain").isEqualTo(Duration.seconds(0));
    }

    @Test
    void environmentVariablesWithoutDefaultsAreLeftAsWrittenNotFatal() throws Exception {
        // EnvironmentVariableSubstitutor(false): an unset variable without a default is not an error
        GravixConfiguration c = loadYaml("dataDir: ${GRAVIX_TEST_SURELY_UNSET_VARIABLE}\n");
        assertThat(c.getDataDir()).isEqualTo("${GRAVIX_TEST_SURELY_UNSET_VARIABLE}");
    }

    // --- invalid configurations --------------------------------------------------------------------

    @Test
    void aDecompressedLimitBelowTheBodyLimitIsInvalid() {
        GravixConfiguration c = new GravixConfiguration();
        c.getIngest().setMaxBodySize(DataSize.mebibytes(10));
        c.getIngest().setMaxDecompressedSize(DataSize.mebibytes(5));
        Set<ConstraintViolation<GravixConfiguration>> violations = validator.validate(c);
        assertThat(violations).extracting(ConstraintViolation::getMessage)
                .containsExactly("ingest.maxDecompressedSize must be at least ingest.maxBodySize");

        c.getIngest().setMaxDecompressedSize(DataSize.mebibytes(10));
        assertThat(validator.validate(c)).isEmpty();
    }

    @Test
    void aDecompressedLimitBelowTheBodyLimitFailsLoading() {
        assertThatThrownBy(() -> loadYaml("ingest:\n  maxBodySize: 10MiB\n  maxDecompressedSize: 5MiB\n"))
                .isInstanceOf(ConfigurationValidationException.class)
                .hasMessageContaining("maxDecompressedSize must be at least ingest.maxBodySize");
    }

    @Test
    void valuesOutsideTheirBoundsFailLoading() {
        assertThatThrownBy(() -> loadYaml("spool:\n  maxFileSize: 100B\n")).isInstanceOf(ConfigurationValidationException.class)
                .hasMessageContaining("spool.maxFileSize");
        assertThatThrownBy(() -> loadYaml("spool:\n  flushMaxWait: 2s\n")).isInstanceOf(ConfigurationValidationException.class)
                .hasMessageContaining("spool.flushMaxWait");
        assertThatThrownBy(() -> loadYaml("ingest:\n  maxEventsPerRequest: 0\n")).isInstanceOf(ConfigurationValidationException.class)
                .hasMessageContaining("ingest.maxEventsPerRequest");
        assertThatThrownBy(() -> loadYaml("dataDir: ''\n")).isInstanceOf(ConfigurationValidationException.class)
                .hasMessageContaining("dataDir");
    }

    @Test
    void malformedKeysAndTokensFailLoading() {
        assertThatThrownBy(() -> loadYaml("auth:\n  apiKeys:\n    - name: dev\n      sha256: not-a-hash\n"))
                .isInstanceOf(ConfigurationValidationException.class)
                .hasMessageContaining("SHA-256");
        assertThatThrownBy(() -> loadYaml("auth:\n  apiKeys:\n    - name: 'has space'\n      sha256: " + Sha256.hex("k") + "\n"))
                .isInstanceOf(ConfigurationValidationException.class);
        assertThatThrownBy(() -> loadYaml("admin:\n  tokenSha256: abc\n"))
                .isInstanceOf(ConfigurationValidationException.class)
                .hasMessageContaining("admin.tokenSha256");
    }

    @Test
    void unknownPropertiesFailLoading() {
        assertThatThrownBy(() -> loadYaml("spool:\n  maxFileSizee: 1MiB\n"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("maxFileSizee");
    }
}

package io.gravix.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import io.dropwizard.configuration.ConfigurationException;
import io.dropwizard.configuration.ConfigurationFactory;
import io.dropwizard.configuration.DefaultConfigurationFactoryFactory;
import io.dropwizard.configuration.ConfigurationSourceProvider;
import io.dropwizard.configuration.FileConfigurationSourceProvider;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import io.dropwizard.util.DataSize;
import io.gravix.GravixConfiguration;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.commons.text.StringSubstitutor;
import org.apache.commons.text.lookup.StringLookupFactory;
import org.junit.jupiter.api.Test;

/** The {@code store:} block: its defaults, the shipped config.yml with and without GRAVIX_* variables, and validation. */
class StoreConfigTest {
    private static final ObjectMapper MAPPER = Jackson.newObjectMapper();
    /** Dropwizard's own factory (as Bootstrap builds it): it also refuses unknown keys. */
    private final ConfigurationFactory<GravixConfiguration> factory = new DefaultConfigurationFactoryFactory<GravixConfiguration>()
            .create(GravixConfiguration.class, Validators.newValidator(), MAPPER, "dw");

    /** The repository's config.yml with {@code env} as the environment, substituted as GravixApplication does. */
    private GravixConfiguration shippedConfig(Map<String, String> env) throws Exception {
        StringSubstitutor substitutor = new StringSubstitutor(StringLookupFactory.INSTANCE.mapStringLookup(env));
        Path config = Path.of(System.getProperty("gravix.config", "../config.yml"));
        return factory.build(new SubstitutingSourceProvider(new FileConfigurationSourceProvider(), substitutor), config.toString());
    }

    private GravixConfiguration parse(String yaml) throws Exception {
        ConfigurationSourceProvider source = path -> new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8));
        return factory.build(source, "inline.yml");
    }

    @Test
    void defaultsArePinned() {
        assertThat(new GravixConfiguration().getStore()).isInstanceOfSatisfying(LocalStoreConfig.class, local -> {
            assertThat(local.getDirectory()).isNull();
            assertThat(local.lakeDirectory(Path.of("/var/gravix"))).isEqualTo(Path.of("/var/gravix/lake"));
        });
        S3StoreConfig s3 = new S3StoreConfig();
        assertThat(s3.getBucket()).isNull();
        assertThat(s3.getPrefix()).isNull();
        assertThat(s3.keyPrefix()).isEmpty();
        assertThat(s3.getEndpoint()).isNull();
        assertThat(s3.getRegion()).isEqualTo("us-east-1");
        assertThat(s3.getPathStyleAccess()).isNull();
        assertThat(s3.effectivePathStyleAccess()).isFalse();
        assertThat(s3.getMultipartThreshold()).isEqualTo(DataSize.mebibytes(64));
        assertThat(s3.getMultipartPartSize()).isEqualTo(DataSize.mebibytes(16));
        assertThat(s3.getMaxAttempts()).isEqualTo(5);
    }

    @Test
    void shippedConfigWithoutEnvironmentWritesToALocalLakeUnderTheDataDirectory() throws Exception {
        GravixConfiguration config = shippedConfig(Map.of());

        assertThat(config.getStore()).isInstanceOfSatisfying(LocalStoreConfig.class,
                local -> assertThat(local.lakeDirectory(config.dataPath())).isEqualTo(Path.of("./data/lake")));
    }

    @Test
    void shippedConfigSwitchesToS3ThroughTheEnvironment() throws Exception {
        GravixConfiguration config = shippedConfig(Map.of(
                "GRAVIX_STORE", "s3",
                "GRAVIX_S3_BUCKET", "analytics",
                "GRAVIX_S3_PREFIX", "gravix/prod",
                "GRAVIX_S3_ENDPOINT", "http://minio:9000",
                "GRAVIX_S3_REGION", "eu-central-1"));

        assertThat(config.getStore()).isInstanceOfSatisfying(S3StoreConfig.class, s3 -> {
            assertThat(s3.getBucket()).isEqualTo("analytics");
            assertThat(s3.keyPrefix()).isEqualTo("gravix/prod/");
            assertThat(s3.getEndpoint()).isEqualTo(URI.create("http://minio:9000"));
            assertThat(s3.getRegion()).isEqualTo("eu-central-1");
            assertThat(s3.effectivePathStyleAccess()).isTrue();
            assertThat(s3.getMultipartThreshold()).isEqualTo(DataSize.mebibytes(64));
            assertThat(s3.getMultipartPartSize()).isEqualTo(DataSize.mebibytes(16));
            assertThat(s3.getMaxAttempts()).isEqualTo(5);
        });
    }

    @Test
    void shippedConfigForAwsS3NeedsOnlyTheBucket() throws Exception {
        GravixConfiguration config = shippedConfig(Map.of("GRAVIX_STORE", "s3", "GRAVIX_S3_BUCKET", "analytics"));

        assertThat(config.getStore()).isInstanceOfSatisfying(S3StoreConfig.class, s3 -> {
            assertThat(s3.getEndpoint()).isNull();
            assertThat(s3.keyPrefix()).isEmpty();
            assertThat(s3.effectivePathStyleAccess()).isFalse();
            assertThat(s3.getRegion()).isEqualTo("us-east-1");
        });
    }

    @Test
    void s3WithoutABucketIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> shippedConfig(Map.of("GRAVIX_STORE", "s3")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("store.bucket");
    }

    @Test
    void withoutAStoreBlockTheStoreIsLocal() throws Exception {
        assertThat(parse("dataDir: /var/gravix\n").getStore()).isInstanceOfSatisfying(LocalStoreConfig.class,
                local -> assertThat(local.lakeDirectory(Path.of("/var/gravix"))).isEqualTo(Path.of("/var/gravix/lake")));
    }

    @Test
    void aLocalStoreMayNameItsDirectory() throws Exception {
        assertThat(parse("store:\n  type: local\n  directory: /srv/lake\n").getStore()).isInstanceOfSatisfying(LocalStoreConfig.class,
                local -> assertThat(local.lakeDirectory(Path.of("data"))).isEqualTo(Path.of("/srv/lake")));
    }

    @Test
    void aStoreBlockMustNameItsType() {
        assertThatThrownBy(() -> parse("store:\n  directory: /srv/lake\n"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("missing type id property 'type'");
    }

    @Test
    void eachTypeIgnoresExactlyTheKeysOfTheOther() {
        assertThat(ignored(LocalStoreConfig.class)).isEqualTo(properties(S3StoreConfig.class));
        assertThat(ignored(S3StoreConfig.class)).isEqualTo(properties(LocalStoreConfig.class));
    }

    private static Set<String> ignored(Class<?> type) {
        return Set.of(type.getAnnotation(JsonIgnoreProperties.class).value());
    }

    private static Set<String> properties(Class<?> type) {
        return MAPPER.getDeserializationConfig().introspect(MAPPER.constructType(type)).findProperties().stream()
                .filter(BeanPropertyDefinition::hasSetter)
                .map(BeanPropertyDefinition::getName)
                .collect(Collectors.toSet());
    }

    @Test
    void aMisspelledKeyIsStillRefused() {
        assertThatThrownBy(() -> parse("store:\n  type: local\n  directroy: /srv/lake\n"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("directroy");
        assertThatThrownBy(() -> parse("store:\n  type: s3\n  bucket: b\n  bukket: b\n"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("bukket");
    }

    /** Not a quiet fallback to local disk: GRAVIX_STORE=S3 must fail start-up, not write the lake elsewhere. */
    @Test
    void anUnknownTypeIsRefused() {
        assertThatThrownBy(() -> parse("store:\n  type: gcs\n"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'gcs'")
                .hasMessageContaining("known type ids = [local, s3]");
        assertThatThrownBy(() -> shippedConfig(Map.of("GRAVIX_STORE", "S3", "GRAVIX_S3_BUCKET", "b")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'S3'");
    }

    @Test
    void badS3SettingsAreRefused() {
        assertThatThrownBy(() -> parse("store: {type: s3, bucket: b, prefix: 'a//b'}"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("prefix must be");
        assertThatThrownBy(() -> parse("store: {type: s3, bucket: b, endpoint: 'ftp://host'}"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("endpoint must be");
        assertThatThrownBy(() -> parse("store: {type: s3, bucket: b, multipartPartSize: 1MiB}"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("multipartPartSize");
        assertThatThrownBy(() -> parse("store: {type: s3, bucket: b, maxAttempts: 0}"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("maxAttempts");
    }

    @Test
    void aPrefixMayCarrySurroundingSlashes() throws Exception {
        assertThat(parse("store: {type: s3, bucket: b, prefix: /gravix/lake/}").getStore())
                .isInstanceOfSatisfying(S3StoreConfig.class, s3 -> assertThat(s3.keyPrefix()).isEqualTo("gravix/lake/"));
    }
}

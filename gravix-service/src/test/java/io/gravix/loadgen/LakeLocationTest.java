package io.gravix.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dropwizard.configuration.DefaultConfigurationFactoryFactory;
import io.dropwizard.configuration.FileConfigurationSourceProvider;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import io.gravix.GravixConfiguration;
import io.gravix.store.LocalObjectStore;
import io.gravix.store.LocalStoreConfig;
import io.gravix.store.ObjectStore;
import io.gravix.store.S3StoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.commons.text.StringSubstitutor;
import org.apache.commons.text.lookup.StringLookupFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** loadgen --verify finds the lake the server writes: the same file and environment give the same store. */
class LakeLocationTest {
    private static final Path SHIPPED = Path.of(System.getProperty("gravix.config", "../config.yml"));

    private static StringSubstitutor env(Map<String, String> env) {
        return new StringSubstitutor(StringLookupFactory.INSTANCE.mapStringLookup(env));
    }

    static List<Map<String, String>> environments() {
        return List.of(
                Map.of(),
                Map.of("GRAVIX_DATA_DIR", "/var/lib/gravix"),
                Map.of("GRAVIX_STORE", "s3", "GRAVIX_S3_BUCKET", "analytics", "GRAVIX_S3_PREFIX", "gravix/prod",
                        "GRAVIX_S3_ENDPOINT", "http://minio:9000", "GRAVIX_S3_REGION", "eu-central-1"));
    }

    @ParameterizedTest
    @MethodSource("environments")
    void theShippedConfigNamesTheServersLake(Map<String, String> environment) throws Exception {
        GravixConfiguration server = new DefaultConfigurationFactoryFactory<GravixConfiguration>()
                .create(GravixConfiguration.class, Validators.newValidator(), Jackson.newObjectMapper(), "dw")
                .build(new SubstitutingSourceProvider(new FileConfigurationSourceProvider(), env(environment)), SHIPPED.toString());

        LakeLocation location = LakeLocation.load(SHIPPED, env(environment));

        assertThat(location.getDataDir()).isEqualTo(server.getDataDir());
        assertThat(location.getStore()).usingRecursiveComparison().isEqualTo(server.getStore());
    }

    @Test
    void theShippedConfigWithS3GivesAnS3Store() throws Exception {
        LakeLocation location = LakeLocation.load(SHIPPED, env(Map.of("GRAVIX_STORE", "s3", "GRAVIX_S3_BUCKET", "analytics")));

        assertThat(location.getStore()).isInstanceOfSatisfying(S3StoreConfig.class, s3 -> assertThat(s3.getBucket()).isEqualTo("analytics"));
    }

    @Test
    void withoutAConfigFileTheLakeIsTheDefaultLocalOne() throws Exception {
        LakeLocation location = LakeLocation.load(null);

        assertThat(location.getStore()).isInstanceOf(LocalStoreConfig.class);
        try (ObjectStore store = location.openStore()) {
            assertThat(((LocalObjectStore) store).root()).isEqualTo(Path.of("./data/lake").toAbsolutePath().normalize());
        }
    }

    @Test
    void aMissingOrInvalidConfigFileIsRefusedNamingIt(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("nope.yml");
        Path badType = Files.writeString(dir.resolve("bad.yml"), "store:\n  type: S3\n");

        assertThatThrownBy(() -> LakeLocation.load(missing, env(Map.of()))).isInstanceOf(java.io.IOException.class)
                .hasMessageContaining(missing.toString());
        assertThatThrownBy(() -> LakeLocation.load(badType, env(Map.of()))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(badType.toString()).hasMessageContaining("S3");
    }

    @Test
    void readingALocalLakeLeavesTheServersTemporaryFilesAlone(@TempDir Path dir) throws Exception {
        Path temp = Files.createDirectories(dir.resolve("data/lake/.gravix-tmp/0a1b"));
        Files.writeString(temp.resolveSibling("0a1b.lock"), ""); // its lock is free: only a server's start-up may remove it
        Path inProgress = Files.writeString(temp.resolve("put"), "a put a server crashed in");
        Path config = Files.writeString(dir.resolve("config.yml"), "dataDir: " + dir.resolve("data") + "\nserver: {}\n");

        try (ObjectStore store = LakeLocation.load(config, env(Map.of())).openStore()) {
            assertThat(store.list("")).isEmpty();
        }
        assertThat(inProgress).exists();
    }
}

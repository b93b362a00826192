package io.gravix.loadgen;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.configuration.ConfigurationException;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.FileConfigurationSourceProvider;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import io.gravix.store.LocalStoreConfig;
import io.gravix.store.ObjectStore;
import io.gravix.store.StoreConfig;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.commons.text.StringSubstitutor;

/**
 * Where a server's lake is, read from that server's {@code config.yml}: its {@code dataDir}
 * and {@code store:} block, every other key ignored. Loaded exactly as the server loads its
 * configuration (Dropwizard's YAML factory, {@code ${VAR:-default}} substitution from the
 * environment, {@code -Ddw.…} overrides), so {@code loadgen --verify} with the server's
 * file and environment reads the lake the server writes. Without a file: the defaults,
 * {@code ./data/lake}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
final class LakeLocation {
    @NotEmpty
    private String dataDir = "./data";

    @Valid
    @NotNull
    private StoreConfig store = new LocalStoreConfig();

    @JsonProperty
    public String getDataDir() { return dataDir; }
    @JsonProperty
    public void setDataDir(String v) { dataDir = v; }
    @JsonProperty
    public StoreConfig getStore() { return store; }
    @JsonProperty
    public void setStore(StoreConfig v) { store = v; }

    /** From the server configuration file {@code configFile}, or the defaults when it is null. */
    static LakeLocation load(Path configFile) throws IOException {
        return load(configFile, new EnvironmentVariableSubstitutor(false));
    }

    /** For tests: {@code ${…}} substituted by {@code substitutor} instead of from the environment. */
    static LakeLocation load(Path configFile, StringSubstitutor substitutor) throws IOException {
        if (configFile == null) {
            return new LakeLocation();
        }
        try {
            return new YamlConfigurationFactory<>(LakeLocation.class, Validators.newValidator(), Jackson.newObjectMapper(), "dw")
                    .build(new SubstitutingSourceProvider(new FileConfigurationSourceProvider(), substitutor), configFile.toString());
        } catch (ConfigurationException e) {
            throw new IllegalArgumentException("--config " + configFile + ": " + e.getMessage(), e);
        }
    }

    /** The server's lake, opened for reading only (no start-up housekeeping). */
    ObjectStore openStore() throws IOException {
        return store.buildReader(Path.of(dataDir));
    }
}

package io.gravix.ingest;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code auth:} block: API keys as name + SHA-256 hash; plain keys never
 * appear in configuration files. {@code GRAVIX_API_KEY} adds (or replaces) a key
 * named {@code default} from its plain value at start-up.
 *
 * <p>{@code devKey: true} opts in to the development key {@code gravix-dev-key}
 * (named {@code dev}), whose plain value is in the README: it is accepted only while
 * no other key is configured, so a deployment that brings its own key never accepts
 * it. The shipped {@code config.yml} opts in for the quick start
 * ({@code ${GRAVIX_DEV_KEY:-true}}); the Docker image sets {@code GRAVIX_DEV_KEY=false}.
 */
public final class AuthConfig {
    @Valid
    @NotNull
    private List<ApiKey> apiKeys = new ArrayList<>();

    private boolean devKey;

    @JsonProperty
    public List<ApiKey> getApiKeys() { return apiKeys; }
    @JsonProperty
    public void setApiKeys(List<ApiKey> v) { apiKeys = v; }
    @JsonProperty
    public boolean isDevKey() { return devKey; }
    @JsonProperty
    public void setDevKey(boolean v) { devKey = v; }
}

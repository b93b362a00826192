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
 */
public final class AuthConfig {
    @Valid
    @NotNull
    private List<ApiKey> apiKeys = new ArrayList<>();

    @JsonProperty
    public List<ApiKey> getApiKeys() { return apiKeys; }
    @JsonProperty
    public void setApiKeys(List<ApiKey> v) { apiKeys = v; }
}

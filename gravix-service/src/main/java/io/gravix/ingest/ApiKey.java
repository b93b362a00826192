package io.gravix.ingest;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;

/** One configured API key: its name (stored with each event as {@code source}) and the SHA-256 of the key, hex. */
public final class ApiKey {
    @NotEmpty
    @Pattern(regexp = "^[A-Za-z0-9._-]{1,64}$", message = "must be 1-64 characters of [A-Za-z0-9._-]")
    private String name;

    @NotEmpty
    @Pattern(regexp = "^[0-9a-fA-F]{64}$", message = "must be the SHA-256 of the key as 64 hex characters")
    private String sha256;

    public ApiKey() {}

    public ApiKey(String name, String sha256) {
        this.name = name;
        this.sha256 = sha256;
    }

    @JsonProperty
    public String getName() { return name; }
    @JsonProperty
    public void setName(String v) { name = v; }
    @JsonProperty
    public String getSha256() { return sha256; }
    @JsonProperty
    public void setSha256(String v) { sha256 = v; }
}

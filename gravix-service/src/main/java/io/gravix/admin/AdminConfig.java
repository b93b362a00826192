package io.gravix.admin;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.Pattern;

/**
 * The {@code admin:} block. The admin token guards {@code POST /tasks/*}; the
 * configuration holds only its SHA-256, {@code GRAVIX_ADMIN_TOKEN} supplies the
 * plain token instead. With neither, every task answers 401.
 */
public final class AdminConfig {
    public static final String ADMIN_TOKEN_ENV = "GRAVIX_ADMIN_TOKEN";

    @Pattern(regexp = "^[0-9a-fA-F]{64}$", message = "must be the SHA-256 of the admin token as 64 hex characters")
    private String tokenSha256;

    @JsonProperty
    public String getTokenSha256() { return tokenSha256; }
    @JsonProperty
    public void setTokenSha256(String v) { tokenSha256 = v; }
}

package io.gravix.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ApiKeyAuthenticatorTest {
    private static final Map<String, String> NO_ENV = Map.of();

    private static AuthConfig config(ApiKey... keys) {
        AuthConfig c = new AuthConfig();
        c.setApiKeys(List.of(keys));
        return c;
    }

    private final ApiKeyAuthenticator auth = ApiKeyAuthenticator.from(config(
            new ApiKey("dev", Sha256.hex("dev-key")),
            new ApiKey("ci", Sha256.hex("ci-key").toUpperCase(Locale.ROOT))), NO_ENV);

    @Test
    void acceptsABearerToken() {
        assertThat(auth.authenticate("Bearer dev-key", null)).isEqualTo("dev");
    }

    @ParameterizedTest
    @ValueSource(strings = {"bearer dev-key", "BEARER dev-key", "bEaReR dev-key", "Bearer   dev-key  "})
    void theBearerSchemeIsCaseInsensitiveAndBlanksAroundTheKeyAreIgnored(String header) {
        assertThat(auth.authenticate(header, null)).isEqualTo("dev");
    }

    @Test
    void acceptsAnXApiKeyHeader() {
        assertThat(auth.authenticate(null, "ci-key")).isEqualTo("ci");
        assertThat(auth.authenticate(null, " ci-key ")).isEqualTo("ci");
    }

    @Test
    void configuredHashesMatchInEitherHexCase() {
        assertThat(auth.authenticate("Bearer ci-key", null)).isEqualTo("ci");
    }

    @Test
    void aBearerTokenTakesPrecedenceOverXApiKey() {
        assertThat(auth.authenticate("Bearer dev-key", "ci-key")).isEqualTo("dev");
        assertThat(auth.authenticate("Bearer unknown", "ci-key")).as("no fallback once a bearer token is given").isNull();
    }

    @Test
    void anotherAuthorizationSchemeFallsBackToXApiKey() {
        assertThat(auth.authenticate("Basic ZGV2OmtleQ==", "ci-key")).isEqualTo("ci");
        assertThat(auth.authenticate("Basic ZGV2OmtleQ==", null)).isNull();
    }

    @Test
    void anUnknownKeyIsNull() {
        assertThat(auth.authenticate("Bearer nope", null)).isNull();
        assertThat(auth.authenticate(null, "nope")).isNull();
        assertThat(auth.authenticate("Bearer DEV-KEY", null)).as("keys are case-sensitive").isNull();
        assertThat(auth.authenticate("Bearer dev-key2", null)).isNull();
    }

    @Test
    void noKeyIsNull() {
        assertThat(auth.authenticate(null, null)).isNull();
        assertThat(auth.authenticate("Bearer ", null)).isNull();
        assertThat(auth.authenticate("Bearer    ", null)).isNull();
        assertThat(auth.authenticate("Bearer", null)).isNull();
        assertThat(auth.authenticate(null, "")).isNull();
        assertThat(auth.authenticate("", "  ")).isNull();
    }

    @Test
    void theEnvironmentKeyAddsAKeyNamedDefault() {
        ApiKeyAuthenticator withEnv = ApiKeyAuthenticator.from(config(new ApiKey("dev", Sha256.hex("dev-key"))),
                Map.of(ApiKeyAuthenticator.API_KEY_ENV, "env-key"));
        assertThat(withEnv.keyCount()).isEqualTo(2);
        assertThat(withEnv.authenticate("Bearer env-key", null)).isEqualTo("default");
        assertThat(withEnv.authenticate("Bearer dev-key", null)).isEqualTo("dev");
    }

    @Test
    void theEnvironmentKeyReplacesAConfiguredKeyNamedDefault() {
        ApiKeyAuthenticator withEnv = ApiKeyAuthenticator.from(config(
                        new ApiKey("default", Sha256.hex("configured-key")), new ApiKey("dev", Sha256.hex("dev-key"))),
                Map.of(ApiKeyAuthenticator.API_KEY_ENV, "env-key"));
        assertThat(withEnv.keyCount()).isEqualTo(2);
        assertThat(withEnv.authenticate("Bearer env-key", null)).isEqualTo("default");
        assertThat(withEnv.authenticate("Bearer configured-key", null)).isNull();
        assertThat(withEnv.authenticate("Bearer dev-key", null)).isEqualTo("dev");
    }

    @Test
    void anEmptyEnvironmentKeyIsIgnored() {
        ApiKeyAuthenticator withEnv = ApiKeyAuthenticator.from(config(new ApiKey("default", Sha256.hex("configured-key"))),
                Map.of(ApiKeyAuthenticator.API_KEY_ENV, ""));
        assertThat(withEnv.keyCount()).isEqualTo(1);
        assertThat(withEnv.authenticate("Bearer configured-key", null)).isEqualTo("default");
        assertThat(withEnv.authenticate("Bearer ", null)).isNull();
    }

    @Test
    void withNoKeysEverythingIsRefused() {
        ApiKeyAuthenticator none = ApiKeyAuthenticator.from(new AuthConfig(), NO_ENV);
        assertThat(none.keyCount()).isZero();
        assertThat(none.authenticate("Bearer dev-key", "dev-key")).isNull();
    }

    private static AuthConfig devKeyOptIn(ApiKey... keys) {
        AuthConfig c = config(keys);
        c.setDevKey(true);
        return c;
    }

    @Test
    void theDevelopmentKeyWorksOnlyWhenOptedInAndNoOtherKeyIsConfigured() {
        assertThat(ApiKeyAuthenticator.from(devKeyOptIn(), NO_ENV).authenticate("Bearer gravix-dev-key", null))
                .isEqualTo(ApiKeyAuthenticator.DEV_KEY_NAME);
        assertThat(ApiKeyAuthenticator.from(new AuthConfig(), NO_ENV).authenticate("Bearer gravix-dev-key", null))
                .as("not opted in").isNull();
        assertThat(ApiKeyAuthenticator.from(devKeyOptIn(), Map.of(ApiKeyAuthenticator.API_KEY_ENV, "own")).authenticate("Bearer gravix-dev-key", null))
                .as("a key from GRAVIX_API_KEY").isNull();
        assertThat(ApiKeyAuthenticator.from(devKeyOptIn(new ApiKey("ci", Sha256.hex("ci-key"))), NO_ENV).authenticate("Bearer gravix-dev-key", null))
                .as("a configured key").isNull();
    }

    @Test
    void theBuiltInHashIsThatOfTheDocumentedDevelopmentKey() {
        assertThat(ApiKeyAuthenticator.DEV_KEY_SHA256).isEqualTo(Sha256.hex("gravix-dev-key"));
    }
}

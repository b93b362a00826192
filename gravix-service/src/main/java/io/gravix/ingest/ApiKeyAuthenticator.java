package io.gravix.ingest;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Finds the name of the API key a request presents ({@code Authorization: Bearer <key>}
 * or {@code X-Api-Key: <key>}).
 *
 * <p>The presented key is hashed and compared with every configured hash using a
 * constant-time comparison, and the loop never exits early, so the answer time
 * does not reveal how much of a key was right or which key matched.
 */
public final class ApiKeyAuthenticator {
    /** The environment variable holding the plain key of a key named {@code default}. */
    public static final String API_KEY_ENV = "GRAVIX_API_KEY";

    private record Entry(String name, byte[] hash) {}

    private final List<Entry> keys;

    private ApiKeyAuthenticator(List<Entry> keys) {
        this.keys = List.copyOf(keys);
    }

    /** Builds from configuration plus {@value #API_KEY_ENV} in {@code env}, which replaces a configured key named default. */
    public static ApiKeyAuthenticator from(AuthConfig config, Map<String, String> env) {
        List<Entry> keys = new ArrayList<>();
        String plain = env.get(API_KEY_ENV);
        boolean fromEnv = plain != null && !plain.isEmpty();
        for (ApiKey key : config.getApiKeys()) {
            if (fromEnv && key.getName().equals("default")) {
                continue;
            }
            keys.add(new Entry(key.getName(), HexFormat.of().parseHex(key.getSha256().toLowerCase(Locale.ROOT))));
        }
        if (fromEnv) {
            keys.add(new Entry("default", Sha256.of(plain)));
        }
        return new ApiKeyAuthenticator(keys);
    }

    public int keyCount() {
        return keys.size();
    }

    /** The name of the matching key, or null when no key or an unknown key is presented. */
    public String authenticate(String authorization, String xApiKey) {
        String presented = null;
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            presented = authorization.substring(7).trim();
        } else if (xApiKey != null) {
            presented = xApiKey.trim();
        }
        if (presented == null || presented.isEmpty()) {
            return null;
        }
        byte[] hash = Sha256.of(presented);
        String match = null;
        for (Entry key : keys) {
            if (Sha256.equal(hash, key.hash()) && match == null) {
                match = key.name();
            }
        }
        return match;
    }
}

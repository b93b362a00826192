package io.gravix.ingest;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
    /** The name of the development key, stored with its events as {@code source}. */
    public static final String DEV_KEY_NAME = "dev";
    /** SHA-256 of the development key {@code gravix-dev-key} (public: the README prints it). */
    static final String DEV_KEY_SHA256 = "40aeca242d112a791c7001b5347f02275337b92436313fff55b83d4a8331a376";
    private static final Logger LOG = LoggerFactory.getLogger(ApiKeyAuthenticator.class);

    private record Entry(String name, byte[] hash) {}

    private final List<Entry> keys;

    private ApiKeyAuthenticator(List<Entry> keys) {
        this.keys = List.copyOf(keys);
    }

    /**
     * Builds from configuration plus {@value #API_KEY_ENV} in {@code env}, which replaces a
     * configured key named default; adds the development key only when {@code auth.devKey}
     * opts in and no other key is configured. Logs a warning when the development key, or
     * no key at all, is active.
     */
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
        if (config.isDevKey() && keys.isEmpty()) {
            keys.add(new Entry(DEV_KEY_NAME, HexFormat.of().parseHex(DEV_KEY_SHA256)));
            LOG.warn(DEV_KEY_WARNING);
        } else if (config.isDevKey()) {
            LOG.info("the development key is off: other API keys are configured (auth.devKey applies only without them)");
        } else if (keys.isEmpty()) {
            LOG.warn("no API keys configured: every ingest request will get 401 (set GRAVIX_API_KEY or auth.apiKeys)");
        }
        return new ApiKeyAuthenticator(keys);
    }

    private static final String DEV_KEY_WARNING = """

            ***************************************************************************************
            *  DEVELOPMENT API KEY ACTIVE: Gravix accepts "gravix-dev-key", a key anybody can read  *
            *  in the README. Fine on a laptop, never in a deployment. Set GRAVIX_API_KEY (or       *
            *  auth.apiKeys) and the development key is off; GRAVIX_DEV_KEY=false turns it off too. *
            ***************************************************************************************""";

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

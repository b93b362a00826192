package io.gravix.admin;

import io.gravix.ingest.Sha256;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a request through to a protected admin endpoint ({@link AdminEndpoints#TOKEN_PATHS})
 * only with {@code Authorization: Bearer <admin token>}. The token is compared by SHA-256 in
 * constant time; without a configured token every such request is refused.
 */
public final class AdminTokenFilter implements Filter {
    private static final Logger LOG = LoggerFactory.getLogger(AdminTokenFilter.class);
    private final byte[] tokenHash;

    private AdminTokenFilter(byte[] tokenHash) {
        this.tokenHash = tokenHash;
    }

    /** From {@code GRAVIX_ADMIN_TOKEN} in {@code env} if set, else the configured hash, else refuse all (with a warning). */
    public static AdminTokenFilter from(AdminConfig config, Map<String, String> env) {
        String plain = env.get(AdminConfig.ADMIN_TOKEN_ENV);
        if (plain != null && !plain.isEmpty()) {
            return new AdminTokenFilter(Sha256.of(plain));
        }
        if (config.getTokenSha256() != null) {
            return new AdminTokenFilter(HexFormat.of().parseHex(config.getTokenSha256().toLowerCase(Locale.ROOT)));
        }
        LOG.warn("no admin token configured: admin tasks and /threads answer 401 (set GRAVIX_ADMIN_TOKEN or admin.tokenSha256)");
        return new AdminTokenFilter(null);
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse resp, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) resp;
        String header = request.getHeader("Authorization");
        boolean ok = false;
        if (tokenHash != null && header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            ok = Sha256.equal(Sha256.of(header.substring(7).trim()), tokenHash);
        }
        if (!ok) {
            response.setStatus(401);
            response.setHeader("WWW-Authenticate", "Bearer realm=\"gravix-admin\"");
            response.setContentType("application/json");
            response.getWriter().write(tokenHash == null
                    ? "{\"error\":\"this admin endpoint is disabled: no admin token is configured (set GRAVIX_ADMIN_TOKEN or admin.tokenSha256)\"}"
                    : "{\"error\":\"missing or wrong admin token: send Authorization: Bearer <admin token>\"}");
            return;
        }
        chain.doFilter(req, resp);
    }
}

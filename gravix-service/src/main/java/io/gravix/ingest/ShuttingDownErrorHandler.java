package io.gravix.ingest;

import static java.util.Objects.requireNonNull;

import io.dropwizard.util.Duration;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's server-level error handler, answering 503 the way DESIGN.md §4 says.
 *
 * <p>Once a graceful stop begins, Jetty's {@code GracefulHandler} refuses new
 * requests with 503 itself, before they reach Gravix; Jetty's default answer is
 * an HTML page without {@code Retry-After}. This handler gives them the answer
 * Gravix gives while shutting down: the JSON error body and {@code Retry-After}.
 * Every other status keeps Jetty's handling (servlet contexts have their own
 * error handlers, so in practice only requests refused above them come here).
 */
public final class ShuttingDownErrorHandler extends ErrorHandler {
    private static final byte[] BODY = "{\"error\":\"Gravix is shutting down\",\"details\":[]}".getBytes(StandardCharsets.UTF_8);

    private final String retryAfterSeconds;

    public ShuttingDownErrorHandler(Duration retryAfter) {
        this.retryAfterSeconds = Long.toString(requireNonNull(retryAfter, "retryAfter is null").toSeconds());
        setShowStacks(false);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (response.getStatus() != HttpStatus.SERVICE_UNAVAILABLE_503) {
            return super.handle(request, response, callback);
        }
        response.getHeaders().put(HttpHeader.RETRY_AFTER, retryAfterSeconds);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(BODY), callback);
        return true;
    }
}

package io.gravix.ingest;

import static java.util.Objects.requireNonNull;

import io.dropwizard.util.Duration;
import io.gravix.spool.SpoolUnavailableException;
import jakarta.ws.rs.core.Feature;
import jakarta.ws.rs.core.FeatureContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How an ingest request that is not accepted is answered (DESIGN.md §4), one
 * Jersey {@link ExceptionMapper} per kind of refusal:
 *
 * <table>
 * <tr><th>exception</th><th>status</th><th>{@code reason} label</th></tr>
 * <tr><td>{@link IngestException} (the client's mistake)</td><td>its 4xx</td><td>auth, invalid, too_large, unsupported</td></tr>
 * <tr><td>{@link SpoolUnavailableException}</td><td>503 + Retry-After</td><td>backpressure, shutting_down, spool_failed</td></tr>
 * <tr><td>{@link InternalFailure} (a bug, OutOfMemoryError)</td><td>503 + Retry-After</td><td>internal</td></tr>
 * </table>
 *
 * <p>Every answer carries the JSON error body; the label travels in it, unserialized,
 * to the resource that counts it. {@link IngestResource} wraps whatever else it
 * catches into an {@link InternalFailure}, so nothing reaches Dropwizard's generic 500.
 */
public final class IngestErrorMapping implements Feature {
    private static final Logger LOG = LoggerFactory.getLogger(IngestErrorMapping.class);

    private final String retryAfterSeconds;

    public IngestErrorMapping(Duration retryAfter) {
        this.retryAfterSeconds = Long.toString(requireNonNull(retryAfter, "retryAfter is null").toSeconds());
    }

    @Override
    public boolean configure(FeatureContext context) {
        context.register(new ClientMistakes());
        context.register(new SpoolRefusals(retryAfterSeconds));
        context.register(new InternalFailures(retryAfterSeconds));
        return true;
    }

    private static Response.ResponseBuilder json(int status, String message, List<IngestException.Detail> details, String reason) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new IngestResource.ErrorBody(message, details, reason));
    }

    static final class ClientMistakes implements ExceptionMapper<IngestException> {
        @Override
        public Response toResponse(IngestException e) {
            Response.ResponseBuilder answer = json(e.status(), e.getMessage(), e.details(), e.reason());
            if (e.status() == 401) {
                answer.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"gravix\"");
            }
            return answer.build();
        }
    }

    static final class SpoolRefusals implements ExceptionMapper<SpoolUnavailableException> {
        private static final Map<SpoolUnavailableException.Reason, String> LABELS = new EnumMap<>(Map.of(
                SpoolUnavailableException.Reason.BACKPRESSURE, "backpressure",
                SpoolUnavailableException.Reason.SHUTTING_DOWN, "shutting_down",
                SpoolUnavailableException.Reason.FAILED, "spool_failed"));

        private final String retryAfterSeconds;

        SpoolRefusals(String retryAfterSeconds) {
            this.retryAfterSeconds = retryAfterSeconds;
        }

        @Override
        public Response toResponse(SpoolUnavailableException e) {
            return json(503, e.getMessage(), List.of(), LABELS.get(e.reason())).header(HttpHeaders.RETRY_AFTER, retryAfterSeconds).build();
        }
    }

    static final class InternalFailures implements ExceptionMapper<InternalFailure> {
        private final String retryAfterSeconds;

        InternalFailures(String retryAfterSeconds) {
            this.retryAfterSeconds = retryAfterSeconds;
        }

        @Override
        public Response toResponse(InternalFailure e) {
            // The id ties the client's answer to the stack trace in the log, which the client never sees.
            String id = UUID.randomUUID().toString().substring(0, 8);
            LOG.error("ingest failed while {} (error id {})", e.step(), id, e.getCause());
            return json(503, "internal error while " + e.step() + " (error id " + id + "); the request was not accepted:"
                    + " retry after " + retryAfterSeconds + " s", List.of(), "internal")
                    .header(HttpHeaders.RETRY_AFTER, retryAfterSeconds).build();
        }
    }
}

package io.gravix.ingest;

import static java.util.Objects.requireNonNull;

import io.gravix.spool.Spool;
import io.gravix.spool.SpoolUnavailableException;
import io.gravix.spool.Table;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingestion API (DESIGN.md §4): {@code POST /v1/request-facts} and
 * {@code POST /v1/service-events}.
 *
 * <p>Checks run cheapest first — key, content type and encoding, declared
 * length, backpressure — before the body is read. Then the body is decoded,
 * validated and framed on the request thread, and the request is suspended
 * while the spool writer fsyncs: the 202 is sent from {@code ackExecutor}
 * once the fsync covering the frame has returned, so no Jetty thread waits
 * on the disk.
 */
@Path("/v1")
public final class IngestResource {
    private static final Logger LOG = LoggerFactory.getLogger(IngestResource.class);

    /** The JSON error body of DESIGN.md §4. */
    public record ErrorBody(String error, List<IngestException.Detail> details) {}

    /** The 202 body. */
    public record Accepted(int accepted) {}

    private final ApiKeyAuthenticator authenticator;
    private final BodyReader bodyReader;
    private final Spool spool;
    private final Map<Table, EventPreparer<?>> preparers = new EnumMap<>(Table.class);
    private final IngestMetrics metrics;
    private final Executor ackExecutor;
    private final String retryAfterSeconds;
    private final IngestTap tap;

    public IngestResource(ApiKeyAuthenticator authenticator, IngestConfig config, Spool spool,
                          List<EventPreparer<?>> preparers, io.prometheus.metrics.model.registry.PrometheusRegistry registry,
                          Executor ackExecutor, IngestTap tap) {
        this.authenticator = requireNonNull(authenticator, "authenticator is null");
        this.bodyReader = new BodyReader(requireNonNull(config, "config is null"));
        this.spool = requireNonNull(spool, "spool is null");
        for (EventPreparer<?> p : preparers) {
            this.preparers.put(p.table(), p);
        }
        this.metrics = new IngestMetrics(registry);
        this.ackExecutor = requireNonNull(ackExecutor, "ackExecutor is null");
        this.retryAfterSeconds = Long.toString(spool.config().getRetryAfter().toSeconds());
        this.tap = requireNonNull(tap, "tap is null");
    }

    @POST
    @Path("/request-facts")
    public void requestFacts(@Context HttpHeaders headers, InputStream body, @Suspended AsyncResponse response) {
        ingest(Table.REQUEST_FACTS, headers, body, response);
    }

    @POST
    @Path("/service-events")
    public void serviceEvents(@Context HttpHeaders headers, InputStream body, @Suspended AsyncResponse response) {
        ingest(Table.SERVICE_EVENTS, headers, body, response);
    }

    private void ingest(Table table, HttpHeaders headers, InputStream body, AsyncResponse response) {
        long start = System.nanoTime();
        String format = "unknown";
        boolean bodyRead = false;
        try {
            String source = authenticator.authenticate(headers.getHeaderString(HttpHeaders.AUTHORIZATION), headers.getHeaderString("X-Api-Key"));
            if (source == null) {
                throw new IngestException(401, "auth", "missing or unknown API key: send Authorization: Bearer <key> or X-Api-Key: <key>", List.of());
            }
            BodyFormat bodyFormat = BodyFormat.fromContentType(headers.getHeaderString(HttpHeaders.CONTENT_TYPE));
            format = bodyFormat.label();
            boolean gzip = BodyReader.isGzip(headers.getHeaderString(HttpHeaders.CONTENT_ENCODING));
            long declaredLength = headers.getLength();
            bodyReader.checkDeclaredLength(declaredLength);
            spool.checkAdmission(table, Math.max(declaredLength, 0));
            spool.expectFrame(table);
            boolean appended = false;
            try {
                byte[] bytes = bodyReader.read(body, declaredLength, gzip);
                bodyRead = true;
                EventPreparer.PreparedFrame frame = preparers.get(table).prepare(bodyFormat, bytes, source);
                spool.checkAdmission(table, frame.frame().length);
                String label = format;
                appended = true;
                spool.appendExpected(table, frame.frame(), frame.events()).whenCompleteAsync((ignored, failure) -> {
                    if (failure == null) {
                        metrics.events.labelValues(table.tableName()).inc(frame.events());
                        tap.record(table, frame.frame(), System.currentTimeMillis());
                        finish(response, table, label, start, Response.accepted(new Accepted(frame.events()))
                                .type(MediaType.APPLICATION_JSON_TYPE).build());
                    } else {
                        Throwable cause = failure instanceof java.util.concurrent.CompletionException ? failure.getCause() : failure;
                        finish(response, table, label, start, errorResponse(table, cause));
                    }
                }, ackExecutor);
            } finally {
                if (!appended) {
                    spool.abandonExpected(table);
                }
            }
        } catch (IngestException | SpoolUnavailableException e) {
            finish(response, table, format, start, closingUnless(bodyRead, errorResponse(table, e)));
        } catch (IOException e) {
            // When a graceful stop begins, Jetty cuts uploads still in progress (its connectors'
            // shutdown idle timeout): the body was not invalid, so tell the client to retry, not to drop it.
            RuntimeException failure = spool.isShuttingDown()
                    ? new SpoolUnavailableException(SpoolUnavailableException.Reason.SHUTTING_DOWN, "Gravix is shutting down")
                    : IngestException.invalid("request body could not be read: " + e.getClass().getSimpleName());
            finish(response, table, format, start, closingUnless(bodyRead, errorResponse(table, failure)));
        } catch (RuntimeException e) {
            finish(response, table, format, start, closingUnless(bodyRead, errorResponse(table, e)));
        }
    }

    /**
     * A refusal sent before the whole body was read leaves unread bytes on the
     * connection, so Jetty closes it after the answer. Without saying so, a client
     * may reuse the connection for its next request and see it fail (a POST is not
     * retried): announce the close (RFC 9112 §9.6).
     */
    private static Response closingUnless(boolean bodyRead, Response answer) {
        return bodyRead ? answer : Response.fromResponse(answer).header("Connection", "close").build();
    }

    private Response errorResponse(Table table, Throwable failure) {
        if (failure instanceof IngestException) {
            IngestException e = (IngestException) failure;
            metrics.errors.labelValues(table.tableName(), e.reason()).inc();
            Response.ResponseBuilder r = Response.status(e.status()).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new ErrorBody(e.getMessage(), e.details()));
            if (e.status() == 401) {
                r.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"gravix\"");
            }
            return r.build();
        }
        if (failure instanceof SpoolUnavailableException) {
            SpoolUnavailableException e = (SpoolUnavailableException) failure;
            metrics.errors.labelValues(table.tableName(), "backpressure").inc();
            return Response.status(503).type(MediaType.APPLICATION_JSON_TYPE).header(HttpHeaders.RETRY_AFTER, retryAfterSeconds)
                    .entity(new ErrorBody(e.getMessage(), List.of())).build();
        }
        LOG.error("ingest of {} failed", table, failure);
        metrics.errors.labelValues(table.tableName(), "internal").inc();
        return Response.serverError().type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ErrorBody("internal error; nothing from this request was stored", List.of())).build();
    }

    private void finish(AsyncResponse response, Table table, String format, long startNanos, Response answer) {
        metrics.requests.labelValues(table.tableName(), format, Integer.toString(answer.getStatus())).inc();
        metrics.duration.labelValues(table.tableName()).observe((System.nanoTime() - startNanos) / 1e9);
        response.resume(answer);
    }
}

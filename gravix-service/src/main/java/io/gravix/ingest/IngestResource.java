package io.gravix.ingest;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonIgnore;
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
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Providers;
import java.io.IOException;
import java.io.InputStream;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

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
    /** The JSON error body of DESIGN.md §4; {@code reason} is the metrics label, not sent. */
    public record ErrorBody(String error, List<IngestException.Detail> details, @JsonIgnore String reason) {}

    /** The 202 body. */
    public record Accepted(int accepted) {}

    private final ApiKeyAuthenticator authenticator;
    private final BodyReader bodyReader;
    private final IngestSpool spool;
    private final Map<Table, EventPreparer<?>> preparers = new EnumMap<>(Table.class);
    private final IngestMetrics metrics;
    private final Executor ackExecutor;
    private final IngestTap tap;

    public IngestResource(ApiKeyAuthenticator authenticator, IngestConfig config, Spool spool,
                          List<EventPreparer<?>> preparers, io.prometheus.metrics.model.registry.PrometheusRegistry registry,
                          Executor ackExecutor, IngestTap tap) {
        this(authenticator, config, IngestSpool.of(spool), preparers, registry, ackExecutor, tap);
    }

    /** With a spool seam; refusals are answered by the mappers of {@link IngestErrorMapping}, which must be registered too. */
    IngestResource(ApiKeyAuthenticator authenticator, IngestConfig config, IngestSpool spool,
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
        this.tap = requireNonNull(tap, "tap is null");
    }

    @POST
    @Path("/request-facts")
    public void requestFacts(@Context HttpHeaders headers, @Context Providers providers, InputStream body,
                             @Suspended AsyncResponse response) {
        ingest(Table.REQUEST_FACTS, headers, body, new Answer(response, providers, Table.REQUEST_FACTS));
    }

    @POST
    @Path("/service-events")
    public void serviceEvents(@Context HttpHeaders headers, @Context Providers providers, InputStream body,
                              @Suspended AsyncResponse response) {
        ingest(Table.SERVICE_EVENTS, headers, body, new Answer(response, providers, Table.SERVICE_EVENTS));
    }

    private void ingest(Table table, HttpHeaders headers, InputStream body, Answer answer) {
        String step = "checking the request";
        try {
            String source = authenticator.authenticate(headers.getHeaderString(HttpHeaders.AUTHORIZATION), headers.getHeaderString("X-Api-Key"));
            if (source == null) {
                throw new IngestException(401, "auth", "missing or unknown API key: send Authorization: Bearer <key> or X-Api-Key: <key>", List.of());
            }
            BodyFormat bodyFormat = BodyFormat.fromContentType(headers.getHeaderString(HttpHeaders.CONTENT_TYPE));
            answer.format = bodyFormat.label();
            boolean gzip = BodyReader.isGzip(headers.getHeaderString(HttpHeaders.CONTENT_ENCODING));
            long declaredLength = headers.getLength();
            bodyReader.checkDeclaredLength(declaredLength);
            step = "checking spool admission";
            spool.checkAdmission(table, Math.max(declaredLength, 0));
            spool.expectFrame(table);
            boolean appended = false;
            try {
                step = "reading the request body";
                byte[] bytes = readBody(body, declaredLength, gzip);
                answer.bodyRead = true;
                step = "decoding and encoding the events";
                EventPreparer.PreparedFrame frame = preparers.get(table).prepare(bodyFormat, bytes, source);
                step = "appending to the spool";
                spool.checkAdmission(table, frame.frame().length);
                appended = true;
                spool.appendExpected(table, frame.frame(), frame.events())
                        .whenCompleteAsync((ignored, failure) -> written(answer, frame, failure), this::acknowledge);
            } finally {
                if (!appended) {
                    spool.abandonExpected(table);
                }
            }
        } catch (IngestException | SpoolUnavailableException e) {
            answer.fail(e);
        } catch (RuntimeException | Error e) {
            // Not the client's fault: a bug or the JVM (OutOfMemoryError). The events may be valid.
            answer.fail(new InternalFailure(step, e));
        }
    }

    /**
     * Reads the body. An I/O error here is the connection's, not the data's: when a
     * graceful stop begins, Jetty cuts uploads still in progress, and an Error while
     * Jetty read (OutOfMemoryError) reaches us wrapped in an IOException. Only a
     * connection that broke or stalled on the client's side is the client's doing.
     */
    private byte[] readBody(InputStream body, long declaredLength, boolean gzip) {
        try {
            return bodyReader.read(body, declaredLength, gzip);
        } catch (IOException e) {
            if (spool.isShuttingDown()) {
                throw new SpoolUnavailableException(SpoolUnavailableException.Reason.SHUTTING_DOWN, "Gravix is shutting down");
            }
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c instanceof Error error) {
                    throw error;
                }
            }
            throw IngestException.invalid("request body could not be read: the connection broke or stalled before the whole body"
                    + " arrived (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** Runs an acknowledgement on the ack executor, or here if it refuses (stopping): every request gets its answer. */
    private void acknowledge(Runnable task) {
        try {
            ackExecutor.execute(task);
        } catch (RejectedExecutionException e) {
            task.run();
        }
    }

    /** The spool's answer for an appended frame: 202 once fsynced, else why not. */
    private void written(Answer answer, EventPreparer.PreparedFrame frame, Throwable failure) {
        if (failure == null) {
            metrics.events.labelValues(answer.table.tableName()).inc(frame.events());
            tap.record(answer.table, frame.frame(), System.currentTimeMillis());
            answer.accept(Response.accepted(new Accepted(frame.events())).type(MediaType.APPLICATION_JSON_TYPE).build());
            return;
        }
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        answer.fail(cause instanceof SpoolUnavailableException refused ? refused : new InternalFailure("waiting for the spool write", cause));
    }

    /**
     * One request's answer: maps a refusal through the registered {@link IngestErrorMapping}
     * mappers, counts it, and resumes the suspended request.
     */
    private final class Answer {
        private final AsyncResponse response;
        private final Providers providers;
        private final Table table;
        private final long startNanos = System.nanoTime();
        private final AtomicBoolean answered = new AtomicBoolean();
        private volatile String format = "unknown";
        private volatile boolean bodyRead;

        Answer(AsyncResponse response, Providers providers, Table table) {
            this.response = response;
            this.providers = providers;
            this.table = table;
        }

        void fail(RuntimeException refusal) {
            @SuppressWarnings("unchecked")
            ExceptionMapper<RuntimeException> mapper = (ExceptionMapper<RuntimeException>) providers.getExceptionMapper(refusal.getClass());
            if (mapper == null) {
                throw new IllegalStateException("no mapper for " + refusal.getClass().getSimpleName() + ": register IngestErrorMapping", refusal);
            }
            Response mapped = mapper.toResponse(refusal);
            finish(closingUnless(bodyRead, mapped), mapped.getEntity() instanceof ErrorBody body ? body.reason() : "internal");
        }

        void accept(Response answer) {
            finish(answer, null);
        }

        /** Sends the first answer only; {@code errorReason} is null for an acceptance. */
        private void finish(Response answer, String errorReason) {
            if (!answered.compareAndSet(false, true)) {
                return;
            }
            if (errorReason != null) {
                metrics.errors.labelValues(table.tableName(), errorReason).inc();
            }
            metrics.requests.labelValues(table.tableName(), format, Integer.toString(answer.getStatus())).inc();
            metrics.duration.labelValues(table.tableName()).observe((System.nanoTime() - startNanos) / 1e9);
            response.resume(answer);
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
}

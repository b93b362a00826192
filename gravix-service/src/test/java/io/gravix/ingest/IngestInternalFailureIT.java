package io.gravix.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.core.Application;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.gravix.GravixConfiguration;
import io.gravix.spool.SpoolUnavailableException;
import io.gravix.testing.EventBodies;
import io.gravix.testing.GravixHttp;
import io.gravix.testing.GravixTestApp;
import io.gravix.testing.SpoolContents;
import io.gravix.testing.TestEvents;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Failures that are not the client's fault, injected through the spool seam of
 * {@link FaultySpoolApp} and sent over real HTTP: each is a 503 with
 * {@code Retry-After} and the JSON error body, counted under a reason that says
 * what happened, never a 400 (an SDK drops the events) or a bare 500.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class IngestInternalFailureIT {
    private static final Path DATA_DIR = GravixTestApp.newDataDir("IngestInternalFailureIT");
    private static final DropwizardAppExtension<GravixConfiguration> APP = new DropwizardAppExtension<>(
            new DropwizardTestSupport<>(FaultySpoolApp.class, ResourceHelpers.resourceFilePath("test-config.yml"),
                    ConfigOverride.config("dataDir", DATA_DIR.toString())) {
                @Override
                public Application<GravixConfiguration> newApplication() {
                    return new FaultySpoolApp();
                }
            });
    private static final String RF = "/v1/request-facts";

    private static GravixHttp http;

    @BeforeAll
    static void connect() {
        http = new GravixHttp(APP.getLocalPort(), APP.getAdminPort());
    }

    @AfterEach
    void clearFault() {
        FaultySpoolApp.FAULT.set(null);
    }

    static Stream<Arguments> serverSideFailures() {
        return Stream.of(
                Arguments.of(FaultySpoolApp.Step.ADMISSION, new IllegalStateException("bug in admission"), "internal"),
                Arguments.of(FaultySpoolApp.Step.ADMISSION, new OutOfMemoryError("Java heap space"), "internal"),
                Arguments.of(FaultySpoolApp.Step.ENCODE, new OutOfMemoryError("Java heap space"), "internal"),
                Arguments.of(FaultySpoolApp.Step.ENCODE, new IllegalArgumentException("bug in encoding"), "internal"),
                Arguments.of(FaultySpoolApp.Step.APPEND, new NullPointerException(), "internal"),
                Arguments.of(FaultySpoolApp.Step.APPEND, new OutOfMemoryError("Direct buffer memory"), "internal"),
                Arguments.of(FaultySpoolApp.Step.WRITE, new UncheckedIOException(new java.io.IOException("disk on fire")), "internal"),
                Arguments.of(FaultySpoolApp.Step.WRITE, new StackOverflowError(), "internal"),
                Arguments.of(FaultySpoolApp.Step.WRITE, new SpoolUnavailableException(SpoolUnavailableException.Reason.FAILED,
                        "spool is unavailable after a write failure; the operator must restart Gravix"), "spool_failed"),
                Arguments.of(FaultySpoolApp.Step.ADMISSION, new SpoolUnavailableException(SpoolUnavailableException.Reason.SHUTTING_DOWN,
                        "Gravix is shutting down"), "shutting_down"),
                Arguments.of(FaultySpoolApp.Step.ADMISSION, new SpoolUnavailableException(SpoolUnavailableException.Reason.BACKPRESSURE,
                        "spool disk free space is below its floor (spool.minFreeDisk = 1MiB)"), "backpressure"));
    }

    @ParameterizedTest(name = "{1} at {0} -> {2}")
    @MethodSource("serverSideFailures")
    void aServerSideFailureIs503WithRetryAfterAndCountedByWhatHappened(FaultySpoolApp.Step step, Throwable failure, String reason) {
        double before = errorCount(reason);
        http.sealNow();
        int frames = SpoolContents.frameCount(DATA_DIR);
        FaultySpoolApp.FAULT.set(new FaultySpoolApp.Fault(step, failure));

        GravixHttp.Answer answer = http.ingest(RF, "application/json", EventBodies.bytes(EventBodies.json(TestEvents.requestFact("fault-1"))));

        assertThat(answer.status()).as("answer: %s", answer.body()).isEqualTo(503);
        assertThat(answer.header("Retry-After")).isEqualTo("5");
        assertThat(answer.header("Content-Type")).startsWith("application/json");
        assertThat(answer.json().path("error").asText()).isNotBlank().doesNotContain("Exception").doesNotContain("Error");
        assertThat(answer.json().path("details").isArray()).isTrue();
        assertThat(answer.json().fieldNames()).toIterable().as("the body of DESIGN.md §4, nothing more").containsExactlyInAnyOrder("error", "details");
        assertThat(errorCount(reason)).isEqualTo(before + 1);
        assertThat(requestCount("503")).isPositive();
        http.sealNow();
        assertThat(SpoolContents.frameCount(DATA_DIR)).as("frames in the spool").isEqualTo(frames);
    }

    @Test
    void theServerAcceptsAgainOnceTheFailureIsGone() {
        FaultySpoolApp.FAULT.set(new FaultySpoolApp.Fault(FaultySpoolApp.Step.APPEND, new OutOfMemoryError("Java heap space")));
        byte[] body = EventBodies.array(List.of(EventBodies.json(TestEvents.requestFact("after-1"))));
        assertThat(http.ingest(RF, "application/json", body).status()).isEqualTo(503);

        FaultySpoolApp.FAULT.set(null);
        GravixHttp.Answer answer = http.ingest(RF, "application/json", body);

        assertThat(answer.status()).as("answer: %s", answer.body()).isEqualTo(202);
        http.sealNow();
        assertThat(SpoolContents.requestFactRecords(DATA_DIR)).flatMap(r -> r.getFactsList())
                .extracting(f -> f.getEventId()).containsExactly("after-1");
    }

    @Test
    void clientMistakesStay4xx() {
        double invalid = errorCount("invalid");

        GravixHttp.Answer answer = http.ingest(RF, "application/json", "{\"eventId\": 1}".getBytes(java.nio.charset.StandardCharsets.UTF_8));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.header("Retry-After")).isNull();
        assertThat(errorCount("invalid")).isEqualTo(invalid + 1);
        assertThat(http.post(RF, new byte[] {'{', '}'}, "Content-Type", "application/json").header("WWW-Authenticate")).startsWith("Bearer");
    }

    private static double errorCount(String reason) {
        return metric("ingestion_error_count_total\\{(?=[^}]*table=\"request_facts\")(?=[^}]*reason=\"" + reason + "\")[^}]*}");
    }

    private static double requestCount(String code) {
        return metric("ingestion_request_count_total\\{(?=[^}]*table=\"request_facts\")(?=[^}]*code=\"" + code + "\")[^}]*}");
    }

    private static double metric(String series) {
        Matcher m = Pattern.compile("(?m)^" + series + " ([0-9.eE+-]+)$").matcher(http.getAdmin("/metrics").body());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}

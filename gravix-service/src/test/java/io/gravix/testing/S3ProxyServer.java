package io.gravix.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * A real S3-compatible server for tests: S3Proxy (the S3 HTTP API over jclouds'
 * filesystem provider) in its own JVM on a free loopback port, with static
 * credentials and a blob directory of the test's choosing. Each bucket is a
 * directory under {@link #blobDirectory()}.
 *
 * <p>The jar is {@code -Ds3proxy.jar} (Failsafe sets it to the copy the build fetched
 * from Maven Central into {@code target/s3proxy/}). {@code s3proxy.ignore-unknown-headers}
 * is on because recent AWS SDKs send headers S3Proxy otherwise rejects.
 */
public final class S3ProxyServer implements AutoCloseable {
    public static final String ACCESS_KEY = "gravix-test-access-key";
    public static final String SECRET_KEY = "gravix-test-secret-key";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final int START_ATTEMPTS = 3;

    private final Process process;
    private final int port;
    private final Path blobs;
    private final Path log;

    private S3ProxyServer(Process process, int port, Path blobs, Path log) {
        this.process = process;
        this.port = port;
        this.blobs = blobs;
        this.log = log;
    }

    /** Starts S3Proxy keeping its blobs and log under {@code workDir}; returns once it answers. */
    public static S3ProxyServer start(Path workDir) throws IOException {
        Path blobs = Files.createDirectories(workDir.resolve("blobs")).toAbsolutePath();
        Path log = workDir.resolve("s3proxy.log").toAbsolutePath();
        for (int attempt = 1; ; attempt++) {
            int port = freePort();
            Path properties = workDir.resolve("s3proxy.properties");
            Files.write(properties, List.of(
                    "s3proxy.endpoint=http://127.0.0.1:" + port,
                    "s3proxy.authorization=aws-v2-or-v4",
                    "s3proxy.identity=" + ACCESS_KEY,
                    "s3proxy.credential=" + SECRET_KEY,
                    "s3proxy.ignore-unknown-headers=true",
                    "jclouds.provider=filesystem",
                    "jclouds.filesystem.basedir=" + blobs), StandardCharsets.UTF_8);
            Process process = new ProcessBuilder(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-jar", jar().toString(), "--properties", properties.toAbsolutePath().toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
                    .start();
            S3ProxyServer server = new S3ProxyServer(process, port, blobs, log);
            try {
                server.awaitReady();
                return server;
            } catch (TerminalFailureException | ConditionTimeoutException e) {
                server.close();
                boolean lostPort = server.logText().contains("Address already in use");
                if (!lostPort || attempt == START_ATTEMPTS) {
                    throw new AssertionError("S3Proxy did not start; see " + log, e);
                }
            }
        }
    }

    /** Ready when an unauthenticated GET / is refused with 403: S3Proxy's S3 handler answers. */
    private void awaitReady() {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(endpoint()).timeout(Duration.ofSeconds(5)).GET().build();
        await("S3Proxy on " + endpoint())
                .atMost(START_TIMEOUT)
                .pollInterval(Duration.ofMillis(100))
                .failFast("S3Proxy exited during start-up", () -> !process.isAlive())
                .ignoreExceptions()
                .until(() -> client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 403);
    }

    static Path jar() {
        Path jar = Path.of(System.getProperty("s3proxy.jar", "target/s3proxy/s3proxy.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no S3Proxy jar at " + jar.toAbsolutePath()
                    + ": run the build through 'mvn verify' (it fetches org.gaul:s3proxy into target/s3proxy/)");
        }
        return jar;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Where S3Proxy keeps its buckets: {@code <blobDirectory>/<bucket>/<key>}. */
    public Path blobDirectory() {
        return blobs;
    }

    public String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the process this object started: SIGTERM, then SIGKILL if it lingers. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "S3Proxy pid " + process.pid() + " on " + endpoint();
    }
}

package io.gravix.spool;

import static org.awaitility.Awaitility.await;

import io.gravix.CrashTestMain;
import io.gravix.rollup.CrashPoint;
import io.gravix.rollup.CrashPoints;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
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
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * The shaded Gravix jar running in a child JVM, as an operator runs it:
 * {@code java -jar gravix.jar server config.yml} with the repository's
 * {@code config.yml}, configured through its environment variables, on free
 * loopback ports and a data directory of the test's choosing.
 *
 * <p>{@link #kill()} sends SIGKILL and {@link #terminate()} SIGTERM (what
 * {@link Process#destroyForcibly()} and {@link Process#destroy()} do on Linux);
 * the exit status tells which signal really ended the JVM (128 + signal).
 * The child's stdout and stderr go to a log file for debugging and for the
 * recovery report ({@link #tornBytesTruncated()}).
 */
public final class GravixProcess implements AutoCloseable {
    /** The plain API key given as GRAVIX_API_KEY: a key named "default", the {@code source} of every event. */
    public static final String API_KEY = "crash-it-api-key";
    static final String API_KEY_NAME = "default";
    static final int EXIT_SIGKILL = 128 + 9;
    public static final int EXIT_SIGTERM = 128 + 15;
    /** The plain admin token given as GRAVIX_ADMIN_TOKEN. */
    public static final String ADMIN_TOKEN = "crash-it-admin-token";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final int START_ATTEMPTS = 3;
    private static final Pattern TORN_TAIL = Pattern.compile("truncated a torn tail of (\\d+) bytes");

    private final Process process;
    private final int httpPort;
    private final int adminPort;
    private final Path log;

    private GravixProcess(Process process, int httpPort, int adminPort, Path log) {
        this.process = process;
        this.httpPort = httpPort;
        this.adminPort = adminPort;
        this.log = log;
    }

    /**
     * Starts Gravix on {@code dataDir} and returns once {@code /ready} answers 200.
     * {@code jvmOptions} may hold Dropwizard overrides such as {@code -Ddw.spool.maxFileSize=32KiB}.
     * A start that loses its ports to another process is retried on new ports.
     */
    static GravixProcess start(Path dataDir, Path log, List<String> jvmOptions) throws IOException {
        return start(dataDir, log, jvmOptions, Map.of());
    }

    /** As {@link #start(Path, Path, List)}, with more environment variables (e.g. GRAVIX_STORE=s3; an empty value unsets one). */
    public static GravixProcess start(Path dataDir, Path log, List<String> jvmOptions, Map<String, String> extraEnv) throws IOException {
        return start(dataDir, log, jvmOptions, extraEnv, List.of("-jar", jar().toString()));
    }

    /**
     * As {@link #start(Path, Path, List)}, but through the crash tests' entry point
     * ({@link CrashTestMain}, not in the jar) with {@code point} armed: a run that reaches
     * it announces {@link CrashPoints#ANNOUNCEMENT} and waits to be killed.
     */
    static GravixProcess startArmed(Path dataDir, Path log, List<String> jvmOptions, CrashPoint point) throws IOException {
        List<String> options = new ArrayList<>(jvmOptions);
        options.add("-D" + CrashTestMain.CRASH_AT + "=" + point);
        String classPath = jar() + File.pathSeparator + crashTestEntryClassPath();
        return start(dataDir, log, options, Map.of(), List.of("-cp", classPath, CrashTestMain.class.getName()));
    }

    /** A directory holding only {@link CrashTestMain}: the child gets the jar's classes and this one, no other test code. */
    private static Path crashTestEntryClassPath() throws IOException {
        Path root = targetDirectory().resolve("crash-test-entry");
        String resource = CrashTestMain.class.getName().replace('.', '/') + ".class";
        Path target = Files.createDirectories(root.resolve(resource).getParent()).resolve(root.resolve(resource).getFileName());
        try (InputStream in = CrashTestMain.class.getClassLoader().getResourceAsStream(resource)) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return root;
    }

    private static GravixProcess start(Path dataDir, Path log, List<String> jvmOptions, Map<String, String> extraEnv,
                                       List<String> launch) throws IOException {
        Files.createDirectories(log.toAbsolutePath().getParent());
        for (int attempt = 1; ; attempt++) {
            int httpPort = freePort();
            int adminPort = freePort();
            while (adminPort == httpPort) {
                adminPort = freePort();
            }
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("-Xmx512m");
            command.addAll(jvmOptions);
            command.addAll(launch);
            command.addAll(List.of("server", config().toString()));
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
            Map<String, String> env = builder.environment();
            env.put("GRAVIX_DATA_DIR", dataDir.toAbsolutePath().toString());
            env.put("GRAVIX_HTTP_PORT", Integer.toString(httpPort));
            env.put("GRAVIX_ADMIN_PORT", Integer.toString(adminPort));
            env.put("GRAVIX_BIND_HOST", "127.0.0.1");
            env.put("GRAVIX_API_KEY", API_KEY);
            env.put("GRAVIX_ADMIN_TOKEN", ADMIN_TOKEN);
            env.put("GRAVIX_DRAIN_DELAY", "0s"); // tests that drain set it in extraEnv
            extraEnv.forEach((name, value) -> {
                if (value.isEmpty()) {
                    env.remove(name);
                } else {
                    env.put(name, value);
                }
            });
            GravixProcess gravix = new GravixProcess(builder.start(), httpPort, adminPort, log);
            try {
                gravix.awaitReady();
                return gravix;
            } catch (TerminalFailureException | ConditionTimeoutException e) {
                gravix.close();
                boolean lostPorts = gravix.logText().contains("Address already in use");
                if (!lostPorts || attempt == START_ATTEMPTS) {
                    throw new AssertionError("Gravix did not become ready (exit status "
                            + (gravix.process.isAlive() ? "none" : gravix.process.exitValue()) + "); see " + log.toAbsolutePath(), e);
                }
            }
        }
    }

    private void awaitReady() {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest ready = HttpRequest.newBuilder(adminUri("/ready")).timeout(Duration.ofSeconds(10)).GET().build();
        await("Gravix /ready on 127.0.0.1:" + adminPort)
                .atMost(START_TIMEOUT)
                .pollInterval(Duration.ofMillis(100))
                .failFast("Gravix exited during start-up", () -> !process.isAlive())
                .ignoreExceptions()
                .until(() -> client.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    }

    /** The jar Failsafe built ({@code -Dgravix.jar}); target/gravix.jar when run from an IDE in the module directory. */
    public static Path jar() {
        Path jar = Path.of(System.getProperty("gravix.jar", "target/gravix.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no Gravix jar at " + jar.toAbsolutePath() + ": run 'mvn package' first");
        }
        return jar;
    }

    /** The repository's config.yml ({@code -Dgravix.config}, set by the Failsafe configuration); ../config.yml otherwise. */
    public static Path config() {
        Path config = Path.of(System.getProperty("gravix.config", "../config.yml"));
        if (!Files.isRegularFile(config)) {
            throw new IllegalStateException("no config.yml at " + config.toAbsolutePath());
        }
        return config;
    }

    /** Build output directory for logs and reports: the jar's directory. */
    public static Path targetDirectory() {
        return jar().toAbsolutePath().getParent();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    public URI ingestBase() {
        return URI.create("http://127.0.0.1:" + httpPort);
    }

    public URI adminUri(String path) {
        return URI.create("http://127.0.0.1:" + adminPort + path);
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: the JVM gets no chance to run shutdown hooks, flush or seal. Returns at once. */
    void kill() {
        process.destroyForcibly();
    }

    /** SIGTERM: Dropwizard's shutdown hook stops Jetty and then the managed objects. Returns at once. */
    public void terminate() {
        process.destroy();
    }

    /** Waits for the process to end (it has been signalled) and returns its exit status. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("Gravix (pid " + pid() + ") did not exit within " + timeout + "; see " + log.toAbsolutePath());
        }
        return process.exitValue();
    }

    public Path log() {
        return log;
    }

    public String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sum of the torn tails recovery reported cutting ("truncated a torn tail of N bytes") in this run's log. */
    long tornBytesTruncated() {
        Matcher m = TORN_TAIL.matcher(logText());
        long total = 0;
        while (m.find()) {
            total += Long.parseLong(m.group(1));
        }
        return total;
    }

    /** Kills the process if it still runs; a test's safety net, not its way of stopping Gravix. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "Gravix pid " + pid() + " on 127.0.0.1:" + httpPort + "/" + adminPort;
    }
}

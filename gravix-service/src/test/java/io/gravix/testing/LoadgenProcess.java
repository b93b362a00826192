package io.gravix.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar gravix.jar loadgen …} as an operator runs it: the shaded jar (no Hadoop
 * in it) in a child JVM, with an environment of the test's choosing on top of a cleaned
 * one (no GRAVIX_* or AWS_* variables of the machine leak in). Output and errors go to a log
 * file, returned with the exit status.
 */
public final class LoadgenProcess {
    private LoadgenProcess() {}

    /** What one run printed and how it ended. */
    public record Result(int exitStatus, String output, Path log) {}

    /** Runs loadgen with {@code arguments}, waiting at most {@code timeout} for it to end. */
    public static Result run(Path log, Map<String, String> environment, Duration timeout, List<String> arguments)
            throws IOException, InterruptedException {
        Files.createDirectories(log.toAbsolutePath().getParent());
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-jar", jar().toString(), "loadgen"));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        builder.environment().keySet().removeIf(k -> k.startsWith("GRAVIX_") || k.startsWith("AWS_"));
        builder.environment().putAll(environment);
        Process process = builder.start();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("loadgen did not end within " + timeout + "; see " + log.toAbsolutePath());
            }
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
        return new Result(process.exitValue(), read(log), log);
    }

    private static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The jar Failsafe built ({@code -Dgravix.jar}). */
    public static Path jar() {
        Path jar = Path.of(System.getProperty("gravix.jar", "target/gravix.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no Gravix jar at " + jar.toAbsolutePath() + ": run 'mvn package' first");
        }
        return jar;
    }
}

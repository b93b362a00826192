package io.gravix;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Docker image's JVM commits its whole heap from the start (RUNBOOK "Capacity: heap"):
 * G1 starts marking at 45 % of the committed heap, and a heap that starts small puts that
 * line under the rollup's live set. Runs this JVM with the flags of the image's
 * {@code ENTRYPOINT} and reads the heap sizes they give.
 */
class DockerImageHeapTest {
    private static final Path REPO = Path.of("..");

    @Test
    void theImageStartsWithItsWholeHeap() throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(entrypointJvmFlags());
        command.add("-XX:+PrintFlagsFinal");
        command.add("-version");
        Process jvm = new ProcessBuilder(command).redirectErrorStream(true).start();
        String flags = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(jvm.waitFor(60, TimeUnit.SECONDS)).as("the JVM printed its flags and exited").isTrue();
        assertThat(jvm.exitValue()).as(flags).isZero();

        assertThat(flag(flags, "InitialHeapSize")).as("initial heap").isEqualTo(flag(flags, "MaxHeapSize"));
    }

    /** The options between {@code java} and {@code -jar} in the Dockerfile's exec-form ENTRYPOINT. */
    private static List<String> entrypointJvmFlags() throws Exception {
        String entrypoint = Files.readAllLines(REPO.resolve("Dockerfile")).stream()
                .filter(line -> line.startsWith("ENTRYPOINT "))
                .reduce((first, last) -> last)
                .orElseThrow(() -> new AssertionError("the Dockerfile has no ENTRYPOINT"));
        List<String> argv = List.of(new ObjectMapper().readValue(entrypoint.substring("ENTRYPOINT ".length()), String[].class));
        assertThat(argv).as("ENTRYPOINT").startsWith("java").contains("-jar");
        return argv.subList(1, argv.indexOf("-jar"));
    }

    private static long flag(String printFlagsFinal, String name) {
        Matcher m = Pattern.compile("\\b" + name + "\\s+=\\s+(\\d+)").matcher(printFlagsFinal);
        assertThat(m.find()).as(name + " in the JVM's flags").isTrue();
        return Long.parseLong(m.group(1));
    }
}

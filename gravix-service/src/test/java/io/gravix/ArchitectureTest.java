package io.gravix;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps dependencies between the service's packages pointing one way along the data
 * flow (CONVENTIONS.md): ingest → spool → index (→ rollup → store later); admin may
 * look at everything; nothing looks at admin.
 *
 * <p>It scans the main sources for {@code io.gravix.<package>} references — imports,
 * static imports and fully qualified names in code or Javadoc alike — and checks:
 * <ul>
 *   <li>the packages in {@link #ALLOWED} reference only the packages listed for them;
 *   <li>no package other than the root (the wiring: GravixApplication, GravixConfiguration)
 *       references {@code admin}, and none references the root package;
 *   <li>the package graph has no cycle (this also covers packages not yet in
 *       {@link #ALLOWED}: add a new package there when its place in the flow is settled).
 * </ul>
 * {@code io.gravix.api.*} is the gravix-api module (contracts and codecs), usable by all.
 */
class ArchitectureTest {
    private static final Path SOURCES = Path.of("src", "main", "java", "io", "gravix"); // tests run in gravix-service/
    private static final String ROOT = "<root>";
    private static final Set<String> EVERYONE_MAY_USE = Set.of("api");

    /** Service packages each listed package may reference; anything else is a violation. */
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "ingest", Set.of("spool"),
            "spool", Set.of("index"),
            "index", Set.of(),
            // rollup reads the spool and index, writes to the store and dead-letters unreadable spool files
            "rollup", Set.of("spool", "index", "store", "dlq"),
            "dlq", Set.of("spool"),
            "store", Set.of(),
            // the load generator is a client; --verify reads the lake (rollup's reader) through the store
            "loadgen", Set.of("rollup", "store"));

    /** Any io.gravix reference: a lower-case segment is a package, an upper-case one a root-package class. */
    private static final Pattern REFERENCE = Pattern.compile("\\bio\\.gravix\\.([A-Za-z_][A-Za-z0-9_]*)");

    /** package → the service packages its sources reference. */
    static Map<String, Set<String>> scan(Path sources) {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Path relative = sources.relativize(file);
                String from = relative.getNameCount() == 1 ? ROOT : relative.getName(0).toString();
                Set<String> refs = graph.computeIfAbsent(from, k -> new TreeSet<>());
                for (String line : Files.readAllLines(file)) {
                    if (line.startsWith("package ")) {
                        continue;
                    }
                    Matcher m = REFERENCE.matcher(line);
                    while (m.find()) {
                        String segment = m.group(1);
                        String to = Character.isUpperCase(segment.charAt(0)) ? ROOT : segment;
                        if (!to.equals(from) && !EVERYONE_MAY_USE.contains(to)) {
                            refs.add(to);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return graph;
    }

    /** Every rule broken by {@code graph}, as readable sentences; empty when it is clean. */
    static List<String> violations(Map<String, Set<String>> graph) {
        List<String> problems = new ArrayList<>();
        graph.forEach((from, refs) -> {
            for (String to : refs) {
                if (to.equals("admin") && !from.equals(ROOT)) {
                    problems.add(from + " references admin: nothing may look at admin");
                }
                if (to.equals(ROOT)) {
                    problems.add(from + " references the root package (the application wiring)");
                }
                Set<String> allowed = ALLOWED.get(from);
                if (allowed != null && !allowed.contains(to) && !to.equals("admin") && !to.equals(ROOT)) {
                    problems.add(from + " references " + to + ": " + from + " may reference only " + allowed);
                }
            }
        });
        for (String start : graph.keySet()) {
            List<String> cycle = cycleFrom(start, graph, new ArrayList<>());
            if (cycle != null) {
                problems.add("package cycle: " + String.join(" -> ", cycle));
                break;
            }
        }
        return problems;
    }

    private static List<String> cycleFrom(String node, Map<String, Set<String>> graph, List<String> path) {
        int at = path.indexOf(node);
        if (at >= 0) {
            List<String> cycle = new ArrayList<>(path.subList(at, path.size()));
            cycle.add(node);
            return cycle;
        }
        path.add(node);
        for (String next : graph.getOrDefault(node, Set.of())) {
            List<String> cycle = cycleFrom(next, graph, path);
            if (cycle != null) {
                return cycle;
            }
        }
        path.remove(path.size() - 1);
        return null;
    }

    @Test
    void dependenciesPointOneWayAlongTheDataFlow() {
        Map<String, Set<String>> graph = scan(SOURCES);
        assertThat(violations(graph)).as("package references: %s", graph).isEmpty();
    }

    @Test
    void theScanSeesTheReferencesThatExist() {
        // Guards against a scan that silently finds nothing (wrong directory, broken pattern).
        Map<String, Set<String>> graph = scan(SOURCES);
        assertThat(graph).containsKeys(ROOT, "ingest", "spool", "index", "admin");
        assertThat(graph.get("ingest")).contains("spool");
        assertThat(graph.get("spool")).contains("index");
        assertThat(graph.get(ROOT)).contains("admin", "ingest", "spool", "index");
    }

    @Test
    void theRulesCatchEachKindOfViolation() {
        assertThat(violations(Map.of("index", Set.of("spool")))).singleElement().asString().contains("index references spool");
        assertThat(violations(Map.of("ingest", Set.of("index")))).singleElement().asString().contains("ingest references index");
        assertThat(violations(Map.of("spool", Set.of("admin")))).singleElement().asString().contains("nothing may look at admin");
        assertThat(violations(Map.of("rollup", Set.of("admin")))).singleElement().asString().contains("nothing may look at admin");
        assertThat(violations(Map.of("index", Set.of(ROOT)))).singleElement().asString().contains("root package");
        assertThat(violations(Map.of("rollup", Set.of("store"), "store", Set.of("rollup"))))
                .anySatisfy(p -> assertThat(p).startsWith("package cycle"));
        assertThat(violations(Map.of("admin", Set.of("ingest", "spool", "index", "rollup"), ROOT, Set.of("admin", "ingest"))))
                .isEmpty();
    }

    @Test
    void theScanReadsImportsStaticImportsAndQualifiedNames(@TempDir Path sources) throws IOException {
        Files.createDirectories(sources.resolve("index"));
        Files.writeString(sources.resolve("index/A.java"), """
                package io.gravix.index;
                import static io.gravix.spool.SpoolFile.HEADER_SIZE;
                import io.gravix.api.v1.RequestFact;
                class A { Object o = new io.gravix.admin.SealNowTask(null); io.gravix.GravixConfiguration c; }
                """);
        assertThat(scan(sources)).containsEntry("index", Set.of("spool", "admin", ROOT));
    }
}

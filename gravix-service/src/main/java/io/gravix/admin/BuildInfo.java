package io.gravix.admin;

import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version and git revision the build wrote into {@code gravix-build.properties}; exposed as {@code gravix_build_info}. */
public record BuildInfo(String version, String revision) {
    private static final String RESOURCE = "/gravix-build.properties";

    public static BuildInfo load() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
        return new BuildInfo(filled(p.getProperty("version")), filled(p.getProperty("revision")));
    }

    /** An unfilled placeholder (a build that skipped resource filtering, an IDE) reads as "unknown". */
    private static String filled(String value) {
        return value == null || value.isBlank() || value.startsWith("${") ? "unknown" : value;
    }

    /** Registers {@code gravix_build_info{version, revision} 1}. */
    public void register(PrometheusRegistry registry) {
        Gauge.builder().name("gravix_build_info").help("Build of the running Gravix (always 1)")
                .labelNames("version", "revision").register(registry)
                .labelValues(version, revision).set(1);
    }
}

package io.gravix.testing;

import com.google.protobuf.InvalidProtocolBufferException;
import io.gravix.api.spool.v1.RequestFactRecord;
import io.gravix.api.spool.v1.ServiceEventRecord;
import io.gravix.spool.SpoolFileScanner;
import io.gravix.spool.SpoolRecords;
import io.gravix.spool.Table;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads what a Gravix instance has put in its spool under a data directory
 * ({@code <dataDir>/spool/<table>/}), with the service's own scanner and record
 * codec. Sealed files must scan clean: a sealed file with a torn or corrupt
 * tail makes these methods throw.
 */
public final class SpoolContents {
    private SpoolContents() {}

    /** Every frame of every sealed request_facts file, oldest file first, in file order. */
    public static List<RequestFactRecord> requestFactRecords(Path dataDir) {
        List<RequestFactRecord> records = new ArrayList<>();
        for (Path file : files(dataDir, Table.REQUEST_FACTS, ".sealed")) {
            scanClean(file, (offset, buf, at, length) -> {
                try {
                    records.add(SpoolRecords.parseRequestFacts(buf, at, length));
                } catch (InvalidProtocolBufferException e) {
                    throw new IllegalStateException(file + " frame at " + offset + " is not a RequestFactRecord", e);
                }
            });
        }
        return records;
    }

    /** Every frame of every sealed service_events file, oldest file first, in file order. */
    public static List<ServiceEventRecord> serviceEventRecords(Path dataDir) {
        List<ServiceEventRecord> records = new ArrayList<>();
        for (Path file : files(dataDir, Table.SERVICE_EVENTS, ".sealed")) {
            scanClean(file, (offset, buf, at, length) -> {
                try {
                    records.add(SpoolRecords.parseServiceEvents(buf, at, length));
                } catch (InvalidProtocolBufferException e) {
                    throw new IllegalStateException(file + " frame at " + offset + " is not a ServiceEventRecord", e);
                }
            });
        }
        return records;
    }

    /** Valid frames in every spool file of both tables, sealed or still open. */
    public static int frameCount(Path dataDir) {
        int frames = 0;
        for (Table table : Table.values()) {
            for (Path file : files(dataDir, table, "")) {
                try {
                    frames += SpoolFileScanner.scan(file, null).frames();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return frames;
    }

    /** The spool files of {@code table} whose names end with {@code suffix}, sorted by name (batch id). */
    public static List<Path> files(Path dataDir, Table table, String suffix) {
        Path dir = dataDir.resolve("spool").resolve(table.tableName());
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void scanClean(Path file, SpoolFileScanner.FrameVisitor visitor) {
        SpoolFileScanner.Result result;
        try {
            result = SpoolFileScanner.scan(file, visitor);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (result.tail() != SpoolFileScanner.Tail.CLEAN) {
            throw new IllegalStateException(file + " has a " + result.tail() + " tail of " + result.tailBytes() + " bytes");
        }
    }
}

package io.gravix.dlq;

import io.gravix.spool.Table;
import java.io.IOException;
import java.util.List;

/**
 * Where a replay hands salvaged frames: writes them as one new sealed spool batch and
 * returns its id (the application passes {@code Spool::importSealedBatch}; the queue
 * does not depend on the spool's writer machinery).
 */
@FunctionalInterface
public interface BatchImporter {
    long importSealedBatch(Table table, List<byte[]> framePayloads) throws IOException;
}

package io.gravix.rollup;

import java.io.IOException;

/** The object store failed a call of a run (put, delete, read of the instance record); the run waits for the store. */
final class StoreFailureException extends IOException {
    StoreFailureException(String what, IOException cause) {
        super("object store failed to " + what + ": " + cause.getMessage(), cause);
    }
}

package io.gravix.store;

import static java.util.Objects.requireNonNull;

import java.io.IOException;

/**
 * A failure the object store reported (or a store that did not answer), with a
 * message naming the key and, for S3, the bucket. {@link #reason()} classifies it;
 * {@link #isConfigurationError()} says whether retrying can help at all.
 * Messages never contain credentials.
 */
public class ObjectStoreException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Why an operation failed. */
    public enum Reason {
        /** The key has no object (see {@link NoSuchObjectException}). */
        NO_SUCH_OBJECT(false),
        /** The configured bucket does not exist. */
        NO_SUCH_BUCKET(true),
        /** The credentials are missing, unknown to the store, or their secret is wrong. */
        BAD_CREDENTIALS(true),
        /** The credentials are valid but not allowed to do this (or the lake directory is not writable). */
        ACCESS_DENIED(true),
        /** The bucket lives in another region than the configured one. */
        WRONG_REGION(true),
        /** The store did not answer, or answered with server errors, after every retry. */
        UNAVAILABLE(false),
        /** Anything else the store refused. */
        FAILED(false);

        private final boolean configurationError;

        Reason(boolean configurationError) {
            this.configurationError = configurationError;
        }

        /** True when only a change of configuration (or of the store's setup) can make the operation work. */
        public boolean isConfigurationError() {
            return configurationError;
        }
    }

    private final Reason reason;

    public ObjectStoreException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = requireNonNull(reason, "reason is null");
    }

    public ObjectStoreException(Reason reason, String message) {
        this(reason, message, null);
    }

    public Reason reason() {
        return reason;
    }

    public boolean isConfigurationError() {
        return reason.isConfigurationError();
    }
}

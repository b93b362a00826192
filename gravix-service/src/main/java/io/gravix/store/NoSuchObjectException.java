package io.gravix.store;

import static java.util.Objects.requireNonNull;

/** {@link ObjectStore#open} of a key that has no object. */
public final class NoSuchObjectException extends ObjectStoreException {
    private static final long serialVersionUID = 1L;

    private final String key;

    /** {@code location} says where the key was looked up, e.g. {@code s3://bucket/prefix/key} or a path. */
    public NoSuchObjectException(String key, String location) {
        super(Reason.NO_SUCH_OBJECT, "no object with key '" + key + "' (" + location + ")");
        this.key = requireNonNull(key, "key is null");
    }

    public String key() {
        return key;
    }
}

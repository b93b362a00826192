package io.gravix.dlq;

/**
 * Which strings may name a dead-letter entry. Names come from operators (the tasks'
 * {@code file=}) and are resolved inside the queue directory, so anything that could
 * reach outside it, or name a reason or temporary file instead of an entry, is refused.
 */
public final class EntryNames {
    private EntryNames() {}

    /** Why {@code name} cannot name an entry, as the end of a sentence; null when it can. */
    public static String problem(String name) {
        if (name == null || name.isEmpty()) {
            return "is empty";
        }
        if (name.indexOf('/') >= 0 || name.indexOf('\\') >= 0) {
            return "must be a file name in the dead-letter queue, without / or \\";
        }
        if (name.contains("..")) {
            return "must not contain ..";
        }
        if (name.startsWith(".")) {
            return "must not start with . (temporary files are not entries)";
        }
        if (name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return "must not contain control characters";
        }
        if (name.endsWith(DeadLetterQueue.REASON_SUFFIX)) {
            return "names a reason file; name its entry (without " + DeadLetterQueue.REASON_SUFFIX + ")";
        }
        return null;
    }
}

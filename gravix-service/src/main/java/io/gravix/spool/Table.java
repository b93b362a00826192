package io.gravix.spool;

/** The event tables Gravix keeps; the name is used in paths, metrics labels and the lake layout. */
public enum Table {
    REQUEST_FACTS("request_facts", 1),
    SERVICE_EVENTS("service_events", 2);

    private final String tableName;
    private final int code;

    Table(String tableName, int code) {
        this.tableName = tableName;
        this.code = code;
    }

    /** The snake_case name used on disk, in labels and in the lake. */
    public String tableName() {
        return tableName;
    }

    /** The number stored in spool file headers. */
    int code() {
        return code;
    }

    static Table fromCode(int code) {
        for (Table t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown table code " + code);
    }

    @Override
    public String toString() {
        return tableName;
    }
}

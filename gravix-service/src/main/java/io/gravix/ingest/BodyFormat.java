package io.gravix.ingest;

import java.util.Locale;

/** The body forms of DESIGN.md §4, chosen by Content-Type. */
public enum BodyFormat {
    /** One JSON object or a JSON array of objects. */
    JSON("json"),
    /** Newline-delimited JSON objects. */
    NDJSON("ndjson"),
    /** A serialized RequestFactBatch or ServiceEventBatch. */
    PROTOBUF("protobuf");

    private final String label;

    BodyFormat(String label) {
        this.label = label;
    }

    /** The {@code format} metrics label. */
    public String label() {
        return label;
    }

    /** Maps a Content-Type header to a format, or throws a 415 {@link IngestException}. */
    static BodyFormat fromContentType(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            throw IngestException.unsupported("Content-Type is required: application/json, application/x-ndjson or application/x-protobuf");
        }
        String[] parts = contentType.split(";");
        String type = parts[0].trim().toLowerCase(Locale.ROOT);
        BodyFormat format;
        switch (type) {
            case "application/json":
                format = JSON;
                break;
            case "application/x-ndjson":
            case "application/ndjson":
                format = NDJSON;
                break;
            case "application/x-protobuf":
            case "application/protobuf":
                format = PROTOBUF;
                break;
            default:
                throw IngestException.unsupported("Content-Type \"" + abbreviate(type)
                        + "\" is not supported: use application/json, application/x-ndjson or application/x-protobuf");
        }
        for (int i = 1; i < parts.length; i++) {
            String[] kv = parts[i].trim().split("=", 2);
            if (kv.length == 2 && kv[0].trim().equalsIgnoreCase("charset") && format != PROTOBUF) {
                String charset = kv[1].trim().replace("\"", "");
                if (!charset.equalsIgnoreCase("utf-8") && !charset.equalsIgnoreCase("utf8")) {
                    throw IngestException.unsupported("charset \"" + abbreviate(charset) + "\" is not supported: JSON must be UTF-8");
                }
            }
        }
        return format;
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "…";
    }
}

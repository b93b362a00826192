package io.gravix.admin;

import io.gravix.dlq.DeadLetterEntry;
import io.gravix.dlq.DeadLetterQueue;
import io.gravix.dlq.EntryNames;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/** The parameters of the DLQ tasks, read the same way by a task's check and its run. */
final class DlqParameters {
    static final String FILE = "file";
    static final String FRAMES = "frames";

    private DlqParameters() {}

    /** The entry {@code file=} names: 400 when it is missing, repeated or not a possible name, 404 when there is no such entry. */
    static DeadLetterEntry entry(DeadLetterQueue queue, Map<String, List<String>> parameters) throws TaskRefusal, IOException {
        String name = single(parameters, FILE);
        if (name == null) {
            throw TaskRefusal.badParameter(FILE, "missing parameter file: name a dead-letter entry, e.g. file=request_facts-000000000042.sealed (see dlq-list)");
        }
        String problem = EntryNames.problem(name);
        if (problem != null) {
            throw TaskRefusal.badParameter(FILE, "parameter file: a dead-letter entry name " + problem);
        }
        return queue.find(name).orElseThrow(() ->
                TaskRefusal.notFound(FILE, name, "no dead-letter entry named by parameter file: " + name + " (see dlq-list)"));
    }

    /** {@code frames=}, how many frames to decode: {@code fallback} when absent, else 0..{@code max}. */
    static int frames(Map<String, List<String>> parameters, int fallback, int max) throws TaskRefusal {
        String value = single(parameters, FRAMES);
        if (value == null) {
            return fallback;
        }
        try {
            int frames = Integer.parseInt(value);
            if (frames >= 0 && frames <= max) {
                return frames;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw TaskRefusal.badParameter(FRAMES, "parameter frames must be a whole number from 0 to " + max + ", not " + value);
    }

    /** The one value of {@code name}, or null when absent; a repeated parameter is refused (which one was meant?). */
    private static String single(Map<String, List<String>> parameters, String name) throws TaskRefusal {
        List<String> values = parameters.getOrDefault(name, List.of());
        if (values.size() > 1) {
            throw TaskRefusal.badParameter(name, "parameter " + name + " is given " + values.size() + " times; give it once");
        }
        return values.isEmpty() ? null : values.get(0);
    }
}

package io.gravix.rollup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RunDedupeTest {
    private static final Duration WINDOW = Duration.ofDays(7);

    /** Ids laid out one after another in one arena, as a run's decoder leaves them. */
    private static final class Arena {
        final byte[] bytes = new byte[1 << 20];
        int end = 1; // offset 0 is never an id

        int[] add(String id) {
            byte[] utf8 = id.getBytes(StandardCharsets.UTF_8);
            System.arraycopy(utf8, 0, bytes, end, utf8.length);
            int[] slice = {end, utf8.length};
            end += utf8.length;
            return slice;
        }
    }

    private static boolean keep(RunDedupe dedupe, Arena arena, String id) {
        int[] s = arena.add(id);
        return dedupe.keep(arena.bytes, s[0], s[1]);
    }

    @Test
    void keepsTheFirstOfEachIdAndDropsItsRepeatsAcrossRehashes() {
        RunDedupe dedupe = new RunDedupe(new SeenIds(WINDOW, id -> Optional.empty()), 1);
        Arena arena = new Arena();
        for (int i = 0; i < 5_000; i++) {
            assertThat(keep(dedupe, arena, "id-" + i)).as("first id-%d", i).isTrue();
        }
        for (int i = 0; i < 5_000; i += 7) {
            assertThat(keep(dedupe, arena, "id-" + i)).as("repeat id-%d", i).isFalse();
        }
        assertThat(dedupe.duplicates()).isEqualTo(715);
    }

    @Test
    void idsWhoseFingerprintsCollideAreComparedByTheirBytes() {
        // every id has the same fingerprint, so the same slot chain
        RunDedupe dedupe = new RunDedupe(new SeenIds(WINDOW, id -> 42L, id -> Optional.empty()), 4);
        Arena arena = new Arena();
        for (int i = 0; i < 300; i++) {
            assertThat(keep(dedupe, arena, "c-" + i)).as("first c-%d", i).isTrue();
        }
        assertThat(keep(dedupe, arena, "c-17")).isFalse();
        assertThat(keep(dedupe, arena, "c-299")).isFalse();
        assertThat(keep(dedupe, arena, "c-300")).isTrue();
        assertThat(dedupe.duplicates()).isEqualTo(2);
    }

    @Test
    void dropsAnIdThatACommittedRunKept() {
        String[] committed = {"old-1", "old-2"};
        SeenIds seen = new SeenIds(WINDOW, run -> run == 1
                ? Optional.of(new SeenIds.StoredRun(System.currentTimeMillis(), committed)) : Optional.empty());
        seen.add(1, System.currentTimeMillis(), committed);
        RunDedupe dedupe = new RunDedupe(seen, 4);
        Arena arena = new Arena();
        assertThat(keep(dedupe, arena, "old-2")).isFalse();
        assertThat(keep(dedupe, arena, "new-1")).isTrue();
        assertThat(dedupe.duplicates()).isEqualTo(1);
    }
}

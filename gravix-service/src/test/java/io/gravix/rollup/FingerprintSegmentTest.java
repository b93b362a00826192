package io.gravix.rollup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FingerprintSegmentTest {
    @TempDir
    Path dir;

    /** Random fingerprints over the whole unsigned range (both signs), some repeated, in unsigned order. */
    private static long[] sortedKeys(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            keys[i] = i > 0 && random.nextInt(10) == 0 ? keys[random.nextInt(i)] : random.nextLong();
        }
        for (int i = 0; i < n; i++) {
            keys[i] ^= Long.MIN_VALUE; // signed sort of flipped keys = unsigned order
        }
        Arrays.sort(keys);
        for (int i = 0; i < n; i++) {
            keys[i] ^= Long.MIN_VALUE;
        }
        return keys;
    }

    private FingerprintSegment write(String name, long[] keys, long runBase) throws IOException {
        return FingerprintSegment.write(dir.resolve(name), keys.length, sink -> {
            for (int i = 0; i < keys.length; i++) {
                sink.accept(keys[i], runBase + i);
            }
        });
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 63, 64, 65, 1000, 200_000})
    void findsTheFirstEntryOfEveryKeyAndNoOtherKey(int n) throws IOException {
        long[] keys = sortedKeys(n, n);
        FingerprintSegment segment = write("s.seg", keys, 0);
        assertThat(segment.size()).isEqualTo(n);
        for (int i = 0; i < n; i++) {
            int first = segment.first(keys[i]);
            assertThat(first).isLessThanOrEqualTo(i);
            assertThat(keys[first]).isEqualTo(keys[i]);
            assertThat(first == 0 || keys[first - 1] != keys[i]).isTrue();
            assertThat(segment.runId(i)).isEqualTo(i);
        }
        Set<Long> present = new HashSet<>();
        Arrays.stream(keys).forEach(present::add);
        SplittableRandom other = new SplittableRandom(-n);
        for (int i = 0; i < 10_000; i++) {
            long key = other.nextLong();
            assertThat(segment.first(key) >= 0).isEqualTo(present.contains(key));
        }
        for (long edge : new long[] {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE}) {
            assertThat(segment.first(edge) >= 0).isEqualTo(present.contains(edge));
        }
        assertThat(Files.size(dir.resolve("s.seg"))).isEqualTo(16L * n).isEqualTo(segment.diskBytes());
    }

    /** The in-bucket estimate assumes uniform keys; clustered ones and long runs of one key must still be found. */
    @Test
    void keysFarFromWhereTheirBitsPutThemAreFound() throws IOException {
        long[] keys = new long[3000];
        for (int i = 0; i < 1000; i++) {
            keys[i] = 0x7000_0000_0000_0000L + i; // a thousand neighbours at the bottom of one bucket
            keys[1000 + i] = 0x7FFF_FFFF_FFFF_0000L; // a thousand equal keys at the top of it
            keys[2000 + i] = -1000 + i; // the top of the unsigned range
        }
        FingerprintSegment segment = write("s.seg", keys, 0);
        for (int i = 0; i < keys.length; i++) {
            int first = segment.first(keys[i]);
            assertThat(keys[first]).isEqualTo(keys[i]);
            assertThat(first == 0 || keys[first - 1] != keys[i]).isTrue();
        }
        assertThat(segment.first(0x7000_0000_0000_0000L + 1000)).isEqualTo(-1);
        assertThat(segment.first(0x7FFF_FFFF_FFFF_0001L)).isEqualTo(-1);
        assertThat(segment.first(0x6FFF_FFFF_FFFF_FFFFL)).isEqualTo(-1);
        assertThat(segment.first(0)).isEqualTo(-1);
    }

    @Test
    void theExtremesOfTheUnsignedRangeAreFound() throws IOException {
        long[] keys = {0, 1, 2, Long.MAX_VALUE, Long.MIN_VALUE, -2, -1};
        FingerprintSegment segment = write("s.seg", keys, 100);
        for (int i = 0; i < keys.length; i++) {
            assertThat(segment.first(keys[i])).isEqualTo(i);
            assertThat(segment.runId(i)).isEqualTo(100 + i);
        }
    }

    @Test
    void aMergeHoldsEveryEntryOfItsPartsInOrder() throws IOException {
        List<FingerprintSegment> parts = new ArrayList<>();
        List<long[]> entries = new ArrayList<>(); // {key, run}
        for (int p = 0; p < 4; p++) {
            long[] keys = sortedKeys(5_000 + 1_000 * p, 31 + p);
            parts.add(write("p" + p + ".seg", keys, p * 1_000_000L));
            for (int i = 0; i < keys.length; i++) {
                entries.add(new long[] {keys[i], p * 1_000_000L + i});
            }
        }
        FingerprintSegment merged = FingerprintSegment.merge(dir.resolve("m.seg"), parts);
        assertThat(merged.size()).isEqualTo(entries.size());
        List<long[]> actual = new ArrayList<>();
        for (int i = 0; i < merged.size(); i++) {
            if (i > 0) {
                assertThat(Long.compareUnsigned(merged.key(i - 1), merged.key(i))).isLessThanOrEqualTo(0);
            }
            actual.add(new long[] {merged.key(i), merged.runId(i)});
        }
        assertThat(actual).usingElementComparator(FingerprintSegmentTest::compareEntries)
                .containsExactlyInAnyOrderElementsOf(entries);
        for (long[] e : entries) {
            int i = merged.first(e[0]);
            boolean found = false;
            for (; i >= 0 && i < merged.size() && merged.key(i) == e[0]; i++) {
                found |= merged.runId(i) == e[1];
            }
            assertThat(found).isTrue();
        }
    }

    private static int compareEntries(long[] a, long[] b) {
        int c = Long.compare(a[0], b[0]);
        return c != 0 ? c : Long.compare(a[1], b[1]);
    }

    @Test
    void entriesOutOfOrderAreRefusedAndLeaveNoFile() {
        assertThatThrownBy(() -> write("bad.seg", new long[] {5, 3}, 0))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("out of fingerprint order");
        assertThat(dir.resolve("bad.seg")).doesNotExist();
        // -1 is the largest unsigned fingerprint: it may not precede 1
        assertThatThrownBy(() -> write("neg.seg", new long[] {-1, 1}, 0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void fewerEntriesThanAnnouncedAreRefused() {
        assertThatThrownBy(() -> FingerprintSegment.write(dir.resolve("short.seg"), 3, sink -> sink.accept(1, 1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("1 entries written, 3 announced");
        assertThat(dir.resolve("short.seg")).doesNotExist();
    }

    @Test
    void deleteRemovesTheFile() throws IOException {
        FingerprintSegment segment = write("d.seg", sortedKeys(1000, 7), 0);
        segment.delete();
        assertThat(dir.resolve("d.seg")).doesNotExist();
    }
}

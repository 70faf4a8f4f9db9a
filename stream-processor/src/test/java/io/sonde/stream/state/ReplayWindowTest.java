package io.sonde.stream.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The replay window against a model that remembers every seq: they agree inside the window. */
class ReplayWindowTest {
    @Test
    void agreesWithAPerfectMemoryInsideTheWindowOverRandomSequences() {
        Random random = new Random(42);
        for (int run = 0; run < 200; run++) {
            int size = 64 * (1 + random.nextInt(4));
            ReplayWindow window = new ReplayWindow(size);
            Set<Long> seen = new HashSet<>();
            long highest = -1;
            long base = random.nextInt(1_000);
            for (int i = 0; i < 500; i++) {
                // Mostly forward, often back, sometimes far jumps: resends and reorders.
                long seq =
                        switch (random.nextInt(10)) {
                            case 0 -> base + random.nextInt(10_000);
                            case 1, 2, 3 -> Math.max(0, highest - random.nextInt(size * 2));
                            default -> Math.max(0, highest + random.nextInt(5));
                        };
                ReplayWindow.Verdict v = window.accept(seq);
                boolean inside = highest < 0 || seq > highest || highest - seq < size;
                if (!inside) {
                    assertThat(v).isEqualTo(ReplayWindow.Verdict.TOO_OLD);
                } else if (seen.contains(seq)) {
                    assertThat(v)
                            .as("seq %d seen before", seq)
                            .isEqualTo(ReplayWindow.Verdict.DUPLICATE);
                } else {
                    assertThat(v).as("seq %d never seen", seq).isEqualTo(ReplayWindow.Verdict.NEW);
                }
                if (v == ReplayWindow.Verdict.NEW) {
                    seen.add(seq);
                    highest = Math.max(highest, seq);
                }
            }
        }
    }

    @Test
    void itsWordsSayWhichSeqsBelowTheHighestWereSeenAndARestoreAnywhereChangesNothing() {
        Random random = new Random(11);
        for (int run = 0; run < 100; run++) {
            int size = 64 * (1 + random.nextInt(5));
            ReplayWindow window = new ReplayWindow(size);
            Set<Long> seen = new HashSet<>();
            long seq = random.nextLong() >>> 1;
            for (int i = 0; i < 300; i++) {
                seq += random.nextInt(8) == 0 ? random.nextInt(3 * size) : random.nextInt(3) - 1;
                if (window.accept(seq) == ReplayWindow.Verdict.NEW) {
                    seen.add(seq);
                }
                if (random.nextInt(20) == 0) {
                    window =
                            ReplayWindow.restore(
                                    size, window.isEmpty(), window.highest(), window.words());
                }
            }
            long[] words = window.words();
            for (int bit = 0; bit < size; bit++) {
                boolean set = (words[bit / 64] & (1L << (bit % 64))) != 0;
                assertThat(set)
                        .as("run %d: bit %d is seq highest - %d", run, bit, bit)
                        .isEqualTo(seen.contains(window.highest() - bit));
            }
        }
    }

    @Test
    void eachReadingIsNewExactlyOnceWhateverTheOrderAndRepeatsInsideTheWindow() {
        List<Long> seqs = new ArrayList<>();
        for (long seq = 10_000; seq < 10_900; seq++) {
            seqs.add(seq);
            seqs.add(seq); // every reading sent twice
        }
        Collections.shuffle(seqs, new Random(7));
        ReplayWindow window = new ReplayWindow(1024);

        long news = seqs.stream().filter(s -> window.accept(s) == ReplayWindow.Verdict.NEW).count();

        assertThat(news).isEqualTo(900);
    }

    @Test
    void comparesSeqsAsUnsigned() {
        ReplayWindow window = new ReplayWindow(64);
        assertThat(window.accept(Long.MAX_VALUE)).isEqualTo(ReplayWindow.Verdict.NEW);
        assertThat(window.accept(-1L))
                .as("2^64-1 is above 2^63-1")
                .isEqualTo(ReplayWindow.Verdict.NEW);
        assertThat(window.accept(Long.MAX_VALUE)).isEqualTo(ReplayWindow.Verdict.TOO_OLD);
    }

    @Test
    void survivesARestoreUnchanged() {
        ReplayWindow window = new ReplayWindow(128);
        for (long seq : new long[] {5, 9, 7, 200, 150}) {
            window.accept(seq);
        }
        ReplayWindow copy =
                ReplayWindow.restore(128, window.isEmpty(), window.highest(), window.words());
        for (long seq : new long[] {5, 9, 7, 200, 150, 151, 73, 72}) {
            assertThat(copy.accept(seq)).isEqualTo(window.accept(seq));
        }
    }

    @Test
    void refusesASizeThatIsNoMultipleOf64() {
        assertThatThrownBy(() -> new ReplayWindow(100)).hasMessageContaining("multiple of 64");
    }
}

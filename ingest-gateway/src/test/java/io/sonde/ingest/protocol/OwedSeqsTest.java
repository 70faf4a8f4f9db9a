package io.sonde.ingest.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.TreeSet;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The sorted seq set against {@link TreeSet} over random operations. */
class OwedSeqsTest {
    @Test
    void agreesWithATreeSetOverRandomOperations() {
        Random random = new Random(11);
        for (int run = 0; run < 300; run++) {
            OwedSeqs seqs = new OwedSeqs();
            OwedSeqs except = new OwedSeqs();
            TreeSet<Long> model = new TreeSet<>();
            TreeSet<Long> exceptModel = new TreeSet<>();
            for (int step = 0; step < 60; step++) {
                long[] batch =
                        LongStream.generate(() -> random.nextInt(200))
                                .limit(1 + random.nextInt(8))
                                .toArray();
                long floor = random.nextInt(100) - 20;
                switch (random.nextInt(6)) {
                    case 0, 1 -> {
                        seqs.addAbove(batch, floor, except);
                        LongStream.of(batch)
                                .filter(s -> s > floor && !exceptModel.contains(s))
                                .forEach(model::add);
                    }
                    case 2 -> {
                        except.addAbove(batch, -1, new OwedSeqs());
                        LongStream.of(batch).forEach(exceptModel::add);
                    }
                    case 3 -> {
                        seqs.removeAll(batch);
                        LongStream.of(batch).forEach(model::remove);
                    }
                    case 4 -> {
                        seqs.removeUpTo(floor);
                        model.headSet(floor, true).clear();
                    }
                    default -> {
                        int max = random.nextInt(10);
                        seqs.keepHighest(max);
                        while (model.size() > max) {
                            model.pollFirst();
                        }
                    }
                }
                assertThat(seqs.size()).isEqualTo(model.size());
                assertThat(seqs.isEmpty()).isEqualTo(model.isEmpty());
                if (!model.isEmpty()) {
                    assertThat(seqs.first()).isEqualTo(model.first());
                }
                for (long probe = -1; probe <= 200; probe += 7) {
                    assertThat(seqs.contains(probe)).isEqualTo(model.contains(probe));
                }
            }
        }
    }

    @Test
    void anEmptySetHasNoFirst() {
        OwedSeqs seqs = new OwedSeqs();
        seqs.addAbove(new long[] {5, 3}, 0, new OwedSeqs());
        seqs.clear();
        assertThat(seqs.isEmpty()).isTrue();
        assertThatThrownBy(seqs::first).isInstanceOf(IllegalStateException.class);
    }
}

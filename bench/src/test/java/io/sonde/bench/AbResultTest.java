package io.sonde.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AbResultTest {

    @Test
    void medianOfOddAndEvenCounts() {
        assertThat(AbResult.median(List.of(5.0, 1.0, 3.0))).isEqualTo(3.0);
        assertThat(AbResult.median(List.of(4.0, 1.0, 3.0, 10.0))).isEqualTo(3.5);
        assertThat(AbResult.median(List.of())).isNaN();
    }

    @Test
    void ratioIsOursMedianOverBaselineMedian() {
        AbResult r =
                new AbResult(
                        "readings/s",
                        "ProducerPerformance",
                        "ingest-gateway",
                        List.of(100.0, 300.0, 200.0),
                        List.of(50.0, 10.0, 90.0));

        assertThat(r.baselineMedian()).isEqualTo(200.0);
        assertThat(r.oursMedian()).isEqualTo(50.0);
        assertThat(r.oursOverBaseline()).isEqualTo(0.25);
    }

    @Test
    void zeroBaselineGivesNoRatio() {
        AbResult r = new AbResult("x", "a", "b", List.of(0.0), List.of(1.0));

        assertThat(r.oursOverBaseline()).isNaN();
        assertThat(BenchReport.ratio(r.oursOverBaseline())).isEqualTo("n/a");
    }

    @Test
    void runnerInterleavesBaselineAndOurs() throws Exception {
        List<String> order = new ArrayList<>();

        AbResult r =
                AbRunner.interleave(
                        "ops",
                        3,
                        "A",
                        round -> {
                            order.add("A" + round);
                            return 10.0 * round;
                        },
                        "B",
                        round -> {
                            order.add("B" + round);
                            return 5.0 * round;
                        });

        assertThat(order).containsExactly("A1", "B1", "A2", "B2", "A3", "B3");
        assertThat(r.baseline()).containsExactly(10.0, 20.0, 30.0);
        assertThat(r.oursOverBaseline()).isEqualTo(0.5);
    }

    @Test
    void runnerRejectsNoRounds() {
        assertThatThrownBy(() -> AbRunner.interleave("ops", 0, "A", r -> 1, "B", r -> 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

package io.sonde.bench.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import io.sonde.bench.LatencyRecorder;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RateRampTest {
    private static RateRamp.Step passed(double deliveriesPerSecond) {
        LatencyRecorder recorder = new LatencyRecorder();
        recorder.recordMicros(1_000);
        return new RateRamp.Step(
                100,
                10,
                1_000,
                10_000,
                deliveriesPerSecond,
                recorder.percentiles(),
                0.5,
                0.5,
                Optional.empty(),
                recorder);
    }

    @Test
    void aBisectingStepThatPassesLowerDoesNotReplaceTheBest() {
        RateRamp.Step high = passed(1_279_874);
        RateRamp.Step low = passed(46_079);

        assertThat(RateRamp.better(high, low)).isSameAs(high);
    }

    @Test
    void aHigherPassingStepBecomesTheBest() {
        RateRamp.Step low = passed(10_000);
        RateRamp.Step high = passed(20_000);

        assertThat(RateRamp.better(low, high)).isSameAs(high);
        assertThat(RateRamp.better(low, passed(10_000))).isSameAs(low);
    }

    @Test
    void aStepWhosePublisherFellBehindFails() {
        // 15,360 msg/s for 2 s is 30,720 sends; a step of 2026-12-03 made about 920 (46,079
        // deliveries/s to 100 subscribers) and passed, because only the sends made were checked.
        assertThat(RateRamp.behind(922, 15_360, Duration.ofSeconds(2)))
                .contains("publisher fell behind: 922 of 30720 sent");
        assertThat(RateRamp.behind(27_648, 15_360, Duration.ofSeconds(2))).isEmpty();
        assertThat(RateRamp.behind(27_647, 15_360, Duration.ofSeconds(2))).isPresent();
    }
}

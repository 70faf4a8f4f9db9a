package io.sonde.bench.fanout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sonde.bench.LatencyRecorder;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RateRampTest {
    private static final Duration LIMIT = Duration.ofMillis(100);

    private static RateRamp.Step passed(double deliveriesPerSecond) {
        return step(100, 1_000, Optional.empty(), deliveriesPerSecond);
    }

    private static RateRamp.Step at(double rate, long p99Micros, boolean passed) {
        return step(rate, p99Micros, passed ? Optional.empty() : Optional.of("p99"), rate * 10);
    }

    private static RateRamp.Step step(
            double rate, long p99Micros, Optional<String> failure, double deliveriesPerSecond) {
        LatencyRecorder recorder = new LatencyRecorder();
        recorder.recordMicros(p99Micros);
        return new RateRamp.Step(
                rate,
                10,
                1_000,
                10_000,
                deliveriesPerSecond,
                recorder.percentiles(),
                0.5,
                0.5,
                failure,
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

    @Test
    void theRateDoublesWhileP99IsUnderAQuarterOfTheLimitThenGrowsByFortyPercent() {
        RateRamp.Search s = RateRamp.Search.START.after(at(100, 24_000, true));
        assertThat(s.next(at(100, 24_000, true), LIMIT)).hasValue(200);

        RateRamp.Step slower = at(200, 25_000, true);
        assertThat(s.after(slower).next(slower, LIMIT).getAsDouble()).isCloseTo(280, within(1e-9));
    }

    @Test
    void afterAFailureTheGapIsHalvedUntilWithinFivePercent() {
        RateRamp.Search s =
                RateRamp.Search.START.after(at(1_000, 50_000, true)).after(at(1_400, 0, false));
        assertThat(s.next(at(1_400, 0, false), LIMIT)).hasValue(1_200);

        s = s.after(at(1_200, 90_000, true));
        assertThat(s.next(at(1_200, 0, true), LIMIT)).hasValue(1_300);

        s = s.after(at(1_300, 0, false));
        assertThat(s.next(at(1_300, 0, false), LIMIT)).hasValue(1_250);

        s = s.after(at(1_250, 0, false)); // 1,200 passed, 1,250 failed: within 5%
        assertThat(s.next(at(1_250, 0, false), LIMIT)).isEmpty();
    }

    @Test
    void aRampWhoseFirstStepFailsEnds() {
        RateRamp.Step failed = at(100, 0, false);
        assertThat(RateRamp.Search.START.after(failed).next(failed, LIMIT)).isEmpty();
    }

    @Test
    void aFailureWithinFivePercentOfTheHighestPassEndsTheSearch() {
        RateRamp.Search s =
                RateRamp.Search.START.after(at(1_000, 50_000, true)).after(at(1_049, 0, false));
        assertThat(s.next(at(1_049, 0, false), LIMIT)).isEmpty();
        RateRamp.Search wider =
                RateRamp.Search.START.after(at(1_000, 50_000, true)).after(at(1_051, 0, false));
        assertThat(wider.next(at(1_051, 0, false), LIMIT)).isPresent();
    }
}

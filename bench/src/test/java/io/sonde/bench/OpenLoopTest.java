package io.sonde.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenLoopTest {

    @Test
    void intendedTimesFollowTheScheduleNotTheSender() throws Exception {
        List<Long> intended = new ArrayList<>();

        OpenLoop.Stats stats =
                OpenLoop.run(
                        10_000,
                        Duration.ofMinutes(1),
                        50,
                        (i, due) -> {
                            intended.add(due);
                            if (i == 10) {
                                // a slow send must not push the later due times back
                                long until = System.nanoTime() + 20_000_000;
                                while (System.nanoTime() < until) {
                                    Thread.onSpinWait();
                                }
                            }
                        });

        assertThat(stats.sent()).isEqualTo(50);
        for (int i = 1; i < intended.size(); i++) {
            assertThat(intended.get(i) - intended.get(i - 1)).isBetween(99_999L, 100_001L);
        }
        assertThat(stats.maxLagNanos()).isGreaterThanOrEqualTo(15_000_000L);
    }

    @Test
    void stopsAtTheTimeBound() throws Exception {
        OpenLoop.Stats stats =
                OpenLoop.run(100, Duration.ofMillis(50), Long.MAX_VALUE, (i, d) -> {});

        assertThat(stats.sent()).isBetween(1L, 5L);
    }
}

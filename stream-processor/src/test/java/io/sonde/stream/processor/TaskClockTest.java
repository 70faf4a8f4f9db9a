package io.sonde.stream.processor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TaskClockTest {
    @Test
    void followsReceiveTimesWhileBusyAndTheWallClockOnlyWhileIdle() {
        TaskClock clock = new TaskClock(1_000);
        assertThat(clock.now(2_000)).as("just started, nothing read").isEqualTo(Long.MIN_VALUE);
        assertThat(clock.now(1_000 + TaskClock.IDLE_START_MS))
                .as("idle since start")
                .isEqualTo(6_000);

        clock.processed(500, 10_000); // a backlog reading received long ago
        assertThat(clock.now(10_000)).isEqualTo(500);
        clock.processed(600, 10_050);
        assertThat(clock.now(10_050)).as("still the backlog's time").isEqualTo(600);
        assertThat(clock.now(12_050)).as("idle for 2 s").isEqualTo(2_600);
        clock.processed(400, 12_100); // an older receive time never moves it back
        assertThat(clock.now(12_100)).isEqualTo(600);
    }
}

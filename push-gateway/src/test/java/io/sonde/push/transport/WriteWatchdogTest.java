package io.sonde.push.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class WriteWatchdogTest {
    private static final Duration HEARTBEAT = Duration.ofMillis(100);

    @Test
    void theClockRunsAPeriodOfAQuarterHeartbeatBetweenTenAnd250Ms() {
        assertThat(WriteWatchdog.period(Duration.ofSeconds(15))).isEqualTo(Duration.ofMillis(250));
        assertThat(WriteWatchdog.period(Duration.ofMillis(400))).isEqualTo(Duration.ofMillis(100));
        assertThat(WriteWatchdog.period(Duration.ofMillis(1))).isEqualTo(Duration.ofMillis(10));
    }

    @Test
    void aWriterIsWokenOnceWithinTheLastPeriodBeforeTheTimeItAskedFor() throws Exception {
        AtomicInteger wakes = new AtomicInteger();
        AtomicLong wokenAt = new AtomicLong();
        long period = WriteWatchdog.period(HEARTBEAT).toNanos();
        try (WriteWatchdog watchdog = new WriteWatchdog(Duration.ofSeconds(30), HEARTBEAT);
                WriteWatchdog.Guard guard =
                        watchdog.guard(() -> {
                            wokenAt.set(System.nanoTime());
                            wakes.incrementAndGet();
                        })) {
            long deadline = System.nanoTime() + Duration.ofMillis(300).toNanos();
            guard.wakeBy(deadline);
            await().atMost(Duration.ofSeconds(10)).until(() -> wakes.get() == 1);
            assertThat(wokenAt.get()).isBetween(deadline - period, deadline + period);

            // No second wake-up until the writer asks again.
            long later = System.nanoTime() + Duration.ofMillis(300).toNanos();
            await().pollDelay(Duration.ZERO).until(() -> System.nanoTime() > later);
            assertThat(wakes).hasValue(1);

            guard.wakeBy(System.nanoTime());
            await().atMost(Duration.ofSeconds(10)).until(() -> wakes.get() == 2);
        }
    }

    @Test
    void theWakeUpIsDueExactlyOnePeriodBeforeTheDeadlineAndRunsOnce() {
        AtomicInteger wakes = new AtomicInteger();
        Duration heartbeat = Duration.ofSeconds(15);
        long period = WriteWatchdog.period(heartbeat).toNanos();
        try (WriteWatchdog watchdog = new WriteWatchdog(Duration.ofSeconds(30), heartbeat);
                WriteWatchdog.Guard guard = watchdog.guard(wakes::incrementAndGet)) {
            // An hour ahead: the watchdog's own thread never finds it due during the test.
            long deadline = System.nanoTime() + Duration.ofHours(1).toNanos();
            guard.wakeBy(deadline);

            watchdog.check(deadline - period - 1);
            assertThat(wakes).hasValue(0);
            watchdog.check(deadline - period);
            assertThat(wakes).hasValue(1);
            watchdog.check(deadline + period);
            assertThat(wakes).hasValue(1);
        }
    }

    @Test
    void aClosedGuardIsNeverWoken() throws Exception {
        AtomicInteger wakes = new AtomicInteger();
        try (WriteWatchdog watchdog = new WriteWatchdog(Duration.ofSeconds(30), HEARTBEAT)) {
            WriteWatchdog.Guard guard = watchdog.guard(wakes::incrementAndGet);
            guard.wakeBy(System.nanoTime() + Duration.ofMillis(50).toNanos());
            guard.close();
            // A later wake-up of another writer has come: the closed one's time passed before it.
            AtomicInteger otherWakes = new AtomicInteger();
            try (WriteWatchdog.Guard witness = watchdog.guard(otherWakes::incrementAndGet)) {
                witness.wakeBy(System.nanoTime() + Duration.ofMillis(100).toNanos());
                await().atMost(Duration.ofSeconds(10)).until(() -> otherWakes.get() == 1);
            }
            assertThat(wakes).hasValue(0);
        }
    }
}

package io.sonde.push.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
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
    void aWriterIsWokenOnceAfterTheTimeItAskedForAndNotBefore() throws Exception {
        AtomicInteger wakes = new AtomicInteger();
        try (WriteWatchdog watchdog = new WriteWatchdog(Duration.ofSeconds(30), HEARTBEAT);
                WriteWatchdog.Guard guard = watchdog.guard(wakes::incrementAndGet)) {
            long asked = System.nanoTime() + Duration.ofMillis(200).toNanos();
            guard.wakeAt(asked);
            await().atMost(Duration.ofSeconds(10)).until(() -> wakes.get() == 1);
            assertThat(System.nanoTime()).isGreaterThanOrEqualTo(asked);

            // No second wake-up until the writer asks again.
            long later = System.nanoTime() + Duration.ofMillis(300).toNanos();
            await().pollDelay(Duration.ZERO).until(() -> System.nanoTime() > later);
            assertThat(wakes).hasValue(1);

            guard.wakeAt(System.nanoTime());
            await().atMost(Duration.ofSeconds(10)).until(() -> wakes.get() == 2);
        }
    }

    @Test
    void aClosedGuardIsNeverWoken() throws Exception {
        AtomicInteger wakes = new AtomicInteger();
        try (WriteWatchdog watchdog = new WriteWatchdog(Duration.ofSeconds(30), HEARTBEAT)) {
            WriteWatchdog.Guard guard = watchdog.guard(wakes::incrementAndGet);
            guard.wakeAt(System.nanoTime() + Duration.ofMillis(50).toNanos());
            guard.close();
            // A later wake-up of another writer has come: the closed one's time passed before it.
            AtomicInteger otherWakes = new AtomicInteger();
            try (WriteWatchdog.Guard witness = watchdog.guard(otherWakes::incrementAndGet)) {
                witness.wakeAt(System.nanoTime() + Duration.ofMillis(100).toNanos());
                await().atMost(Duration.ofSeconds(10)).until(() -> otherWakes.get() == 1);
            }
            assertThat(wakes).hasValue(0);
        }
    }
}

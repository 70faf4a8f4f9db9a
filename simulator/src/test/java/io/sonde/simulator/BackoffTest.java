package io.sonde.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));
    private final SplittableRandom random = new SplittableRandom(42);

    @Test
    void doublesPerAttemptWithinTheUpperHalf() {
        for (int attempt = 1; attempt <= 5; attempt++) {
            long nominal = 100L << (attempt - 1);
            for (int i = 0; i < 100; i++) {
                assertThat(backoff.delay(attempt, random).toMillis())
                        .isBetween(nominal / 2, nominal);
            }
        }
    }

    @Test
    void isCappedEvenAfterManyFailures() {
        for (int attempt : new int[] {6, 10, 64, 1_000, Integer.MAX_VALUE}) {
            assertThat(backoff.delay(attempt, random))
                    .isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
        }
    }
}

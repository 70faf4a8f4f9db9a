package io.sonde.simulator;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Capped exponential reconnect delay with jitter, so that a fleet dropped by one gateway restart
 * does not come back in one synchronised wave.
 *
 * @param min delay before the first retry (before jitter)
 * @param max the cap
 */
record Backoff(Duration min, Duration max) {
    /**
     * The delay before retry number {@code attempt} (1-based): {@code min * 2^(attempt-1)}, capped
     * at {@code max}, then drawn uniformly from its upper half.
     */
    Duration delay(int attempt, RandomGenerator random) {
        long minNanos = min.toNanos();
        long maxNanos = max.toNanos();
        int doublings = Math.min(Math.max(attempt - 1, 0), 40);
        long nominal = minNanos;
        for (int i = 0; i < doublings && nominal < maxNanos; i++) {
            nominal *= 2;
        }
        nominal = Math.min(nominal, maxNanos);
        long half = nominal / 2;
        return Duration.ofNanos(half + random.nextLong(nominal - half + 1));
    }
}

package io.sonde.push.kafka;

import java.time.Duration;

/**
 * How history is read (the {@code sonde.push.catch-up} node).
 *
 * @param readers reader threads, each with its own Kafka consumer: the most replays running at once
 * @param maxWaiting replays that may wait for a reader; beyond, clients are told to retry (503)
 * @param recordsPerSecond most records one reader reads per second
 * @param clientWait how long a replay waits for a client to make room in its queue before the
 *     client is closed as slow
 */
public record CatchUpSettings(
        int readers, int maxWaiting, int recordsPerSecond, Duration clientWait) {
    public CatchUpSettings {
        if (readers < 1 || maxWaiting < 1 || recordsPerSecond < 1 || !clientWait.isPositive()) {
            throw new IllegalArgumentException("catch-up settings must be positive");
        }
    }
}

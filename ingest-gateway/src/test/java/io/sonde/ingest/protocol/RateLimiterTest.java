package io.sonde.ingest.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.sonde.ingest.config.IngestConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    private static final long SECOND = 1_000_000_000L;

    private static RateLimiter limiter() {
        Config c =
                Config.just(
                        ConfigSources.create(
                                Map.of(
                                        "rate-limit.readings-per-second", "10",
                                        "rate-limit.readings-burst", "20",
                                        "rate-limit.bytes-per-second", "1000",
                                        "rate-limit.bytes-burst", "1000")));
        return new RateLimiter(IngestConfig.create(c));
    }

    @Test
    void allowsTheBurstThenRefusesWithTheTimeUntilItFits() {
        RateLimiter limiter = limiter();
        assertThat(limiter.tryAcquire("d", 20, 100, 0)).isEmpty();
        assertThat(limiter.tryAcquire("d", 5, 100, 0)).contains(500L);
        assertThat(limiter.tryAcquire("d", 5, 100, SECOND / 2)).isEmpty();
    }

    @Test
    void limitsBytesAndKeepsDevicesApart() {
        RateLimiter limiter = limiter();
        assertThat(limiter.tryAcquire("d", 1, 1000, 0)).isEmpty();
        assertThat(limiter.tryAcquire("d", 1, 500, 0)).contains(500L);
        assertThat(limiter.tryAcquire("other", 1, 1000, 0)).isEmpty();
    }

    @Test
    void forgetsDevicesWhoseBucketsAreFullAgain() {
        RateLimiter limiter = limiter();
        limiter.tryAcquire("d", 20, 100, 0);
        limiter.evictIdle(SECOND / 2);
        assertThat(limiter.size()).isEqualTo(1);
        limiter.evictIdle(3 * SECOND);
        assertThat(limiter.size()).isZero();
    }
}

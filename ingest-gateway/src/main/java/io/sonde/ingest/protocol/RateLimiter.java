package io.sonde.ingest.protocol;

import io.sonde.ingest.config.IngestConfig;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Per-device token buckets for readings/s and bytes/s (docs/device-protocol.md). A device's budget
 * is shared by all its connections on this gateway. A batch that does not fit is refused whole and
 * consumes nothing. Thread-safe; buckets of devices idle long enough to be full again are dropped
 * by {@link #evictIdle}, so memory follows the active fleet.
 */
public final class RateLimiter {
    private final double readingsPerSecond;
    private final double readingsBurst;
    private final double bytesPerSecond;
    private final double bytesBurst;
    private final ConcurrentMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    RateLimiter(IngestConfig config) {
        this.readingsPerSecond = config.readingsPerSecond();
        this.readingsBurst = Math.max(config.readingsBurst(), 1);
        this.bytesPerSecond = config.bytesPerSecond();
        this.bytesBurst = Math.max(config.bytesBurst(), 1);
    }

    /**
     * Takes {@code readings} and {@code bytes} from the device's budget.
     *
     * @return empty when taken; else milliseconds until the batch would fit
     */
    Optional<Long> tryAcquire(String deviceId, int readings, int bytes, long nowNanos) {
        Bucket bucket = buckets.computeIfAbsent(deviceId, d -> new Bucket(nowNanos));
        synchronized (bucket) {
            bucket.refill(nowNanos);
            double needReadings = Math.min(readings, readingsBurst);
            double needBytes = Math.min(bytes, bytesBurst);
            if (bucket.readings >= needReadings && bucket.bytes >= needBytes) {
                bucket.readings -= readings;
                bucket.bytes -= bytes;
                return Optional.empty();
            }
            double waitReadings = (needReadings - bucket.readings) / readingsPerSecond;
            double waitBytes = (needBytes - bucket.bytes) / bytesPerSecond;
            return Optional.of((long) Math.ceil(Math.max(waitReadings, waitBytes) * 1000));
        }
    }

    /** Drops buckets that have refilled completely: those devices lose nothing by it. */
    void evictIdle(long nowNanos) {
        buckets.values()
                .removeIf(b -> {
                    synchronized (b) {
                        b.refill(nowNanos);
                        return b.readings >= readingsBurst && b.bytes >= bytesBurst;
                    }
                });
    }

    int size() {
        return buckets.size();
    }

    private final class Bucket {
        private double readings = readingsBurst;
        private double bytes = bytesBurst;
        private long lastNanos;

        private Bucket(long nowNanos) {
            this.lastNanos = nowNanos;
        }

        private void refill(long nowNanos) {
            double seconds = Math.max(0, nowNanos - lastNanos) / 1e9;
            lastNanos = Math.max(lastNanos, nowNanos);
            readings = Math.min(readingsBurst, readings + seconds * readingsPerSecond);
            bytes = Math.min(bytesBurst, bytes + seconds * bytesPerSecond);
        }
    }
}

package io.sonde.stream;

import io.helidon.config.Config;
import io.sonde.platform.config.DurationText;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The stream processor's own settings: the {@code sonde.stream} config node. Kafka client settings
 * live under {@code sonde.kafka} ({@link io.sonde.platform.kafka.KafkaConfig}).
 *
 * @param applicationId Streams application id: consumer group, prefix of internal topics and of the
 *     state directory. Changing it starts from scratch (new group, empty stores).
 * @param windows tumbling window sizes, each with its label
 * @param grace how long after a window's end late readings are still counted
 * @param deviceOfflineAfter silence after which a device is reported offline
 * @param offlineCheckInterval how often (wall clock) devices are checked for silence
 * @param stateDir where RocksDB state lives; rebuilt from changelogs when lost
 * @param commitInterval how often results are committed and caches flushed downstream
 * @param threads stream threads in this instance
 * @param closeTimeout how long {@code close()} waits for Streams to finish
 */
public record StreamConfig(
        String applicationId,
        List<WindowSpec> windows,
        Duration grace,
        Duration deviceOfflineAfter,
        Duration offlineCheckInterval,
        Path stateDir,
        Duration commitInterval,
        int threads,
        Duration closeTimeout) {

    public static final String DEFAULT_APPLICATION_ID = "sonde-stream-processor";
    public static final List<String> DEFAULT_WINDOWS = List.of("10s", "1m");
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);
    public static final Duration DEFAULT_DEVICE_OFFLINE_AFTER = Duration.ofSeconds(60);
    public static final Duration DEFAULT_OFFLINE_CHECK_INTERVAL = Duration.ofSeconds(5);
    public static final String DEFAULT_STATE_DIR = "data/streams";
    public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(100);
    public static final int DEFAULT_THREADS = 1;
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(10);

    public StreamConfig {
        Objects.requireNonNull(applicationId, "applicationId");
        Objects.requireNonNull(stateDir, "stateDir");
        windows = List.copyOf(windows);
        if (windows.isEmpty()) {
            throw new IllegalArgumentException("sonde.stream.windows must name at least one size");
        }
        Set<String> labels = new HashSet<>();
        for (WindowSpec w : windows) {
            if (!labels.add(w.label())) {
                throw new IllegalArgumentException("window listed twice: " + w.label());
            }
        }
        requirePositive("grace", grace, true);
        requirePositive("device-offline-after", deviceOfflineAfter, false);
        requirePositive("offline-check-interval", offlineCheckInterval, false);
        requirePositive("commit-interval", commitInterval, false);
        requirePositive("close-timeout", closeTimeout, false);
        if (threads < 1) {
            throw new IllegalArgumentException("sonde.stream.threads must be >= 1: " + threads);
        }
    }

    /** Every setting at its default. */
    public static StreamConfig defaults() {
        return create(Config.empty());
    }

    /** Reads the {@code sonde.stream} node; absent keys take the defaults above. */
    public static StreamConfig create(Config stream) {
        List<WindowSpec> windows =
                stream.get("windows").asList(String.class).orElse(DEFAULT_WINDOWS).stream()
                        .map(WindowSpec::parse)
                        .toList();
        return new StreamConfig(
                stream.get("application-id").asString().orElse(DEFAULT_APPLICATION_ID),
                windows,
                duration(stream, "grace", DEFAULT_GRACE),
                duration(stream, "device-offline-after", DEFAULT_DEVICE_OFFLINE_AFTER),
                duration(stream, "offline-check-interval", DEFAULT_OFFLINE_CHECK_INTERVAL),
                Path.of(stream.get("state-dir").asString().orElse(DEFAULT_STATE_DIR)),
                duration(stream, "commit-interval", DEFAULT_COMMIT_INTERVAL),
                stream.get("threads").asInt().orElse(DEFAULT_THREADS),
                duration(stream, "close-timeout", DEFAULT_CLOSE_TIMEOUT));
    }

    private static Duration duration(Config node, String key, Duration fallback) {
        return node.get(key).asString().map(DurationText::parse).orElse(fallback);
    }

    private static void requirePositive(String key, Duration value, boolean zeroAllowed) {
        Objects.requireNonNull(value, key);
        if (value.isNegative() || (!zeroAllowed && value.isZero())) {
            throw new IllegalArgumentException(
                    "sonde.stream." + key + " must be " + (zeroAllowed ? ">= 0" : "> 0"));
        }
    }
}

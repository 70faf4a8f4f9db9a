package io.sonde.stream.config;

import io.helidon.config.Config;
import io.sonde.platform.config.DurationText;
import io.sonde.stream.alert.Rule;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The stream processor's own settings: the {@code sonde.stream} config node
 * (docs/configuration.md). Kafka client settings live under {@code sonde.kafka}.
 *
 * @param applicationId Streams application id: consumer group, prefix of internal topics and of the
 *     state directory. Changing it starts from scratch (new group, empty stores).
 * @param windows tumbling window sizes, each with its label
 * @param grace how long after a window's end (on the device's own time) readings still count
 * @param deviceOfflineAfter silence after which a device is reported offline
 * @param idleCheckInterval how often quiet devices are looked at: windows to close, offline,
 *     absence alerts
 * @param stateDir where RocksDB state lives; rebuilt from changelogs when lost
 * @param commitInterval how often results are committed: how long an alert or a window's final
 *     record waits, at most, before a {@code read_committed} consumer sees it
 * @param updateInterval how often open windows' changed aggregates and changed device states are
 *     emitted: how stale a live chart may be; one record per (device, metric, window) per interval
 *     however many readings came
 * @param threads stream threads in this instance
 * @param closeTimeout how long {@code close()} waits for Streams to finish
 * @param maxMetricsPerDevice distinct metric names one device may use; more are dropped
 * @param replayWindow seqs below a device's highest that dedup remembers (a multiple of 64)
 * @param maxRules alert rules the API accepts
 * @param historyWindows final windows of each size kept for state queries
 * @param clearedAlertRetention how long cleared alerts stay queryable
 * @param rules alert rules written to the rules topic at start when absent there
 * @param advertisedHost how the other instances reach this one's HTTP port; empty = the listen
 *     address, or this host's name when listening on all addresses
 */
public record StreamConfig(
        String applicationId,
        List<WindowSpec> windows,
        Duration grace,
        Duration deviceOfflineAfter,
        Duration idleCheckInterval,
        Path stateDir,
        Duration commitInterval,
        Duration updateInterval,
        int threads,
        Duration closeTimeout,
        int maxMetricsPerDevice,
        int replayWindow,
        int maxRules,
        int historyWindows,
        Duration clearedAlertRetention,
        List<Rule> rules,
        Optional<String> advertisedHost) {

    public static final String DEFAULT_APPLICATION_ID = "sonde-stream-processor";
    public static final List<String> DEFAULT_WINDOWS = List.of("10s", "1m");
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);
    public static final Duration DEFAULT_DEVICE_OFFLINE_AFTER = Duration.ofSeconds(60);
    public static final Duration DEFAULT_IDLE_CHECK_INTERVAL = Duration.ofSeconds(1);
    public static final String DEFAULT_STATE_DIR = "data/streams";
    public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(100);
    public static final Duration DEFAULT_UPDATE_INTERVAL = Duration.ofSeconds(1);
    // Two, not Streams' one: a stream thread waits for about a third of its time (each commit's
    // flush and transaction, fetches), and a second thread works through those waits: median
    // 0.27x ConsumerPerformance over eighteen runs, 0.20x over seven with one (BENCHMARKS.md).
    public static final int DEFAULT_THREADS = 2;
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_METRICS_PER_DEVICE = 256;
    public static final int DEFAULT_REPLAY_WINDOW = 1024;
    public static final int DEFAULT_MAX_RULES = 1000;
    public static final int DEFAULT_HISTORY_WINDOWS = 60;
    public static final Duration DEFAULT_CLEARED_ALERT_RETENTION = Duration.ofHours(24);

    public StreamConfig {
        Objects.requireNonNull(applicationId, "applicationId");
        Objects.requireNonNull(stateDir, "stateDir");
        windows = List.copyOf(windows);
        rules = List.copyOf(rules);
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
        requirePositive("idle-check-interval", idleCheckInterval, false);
        requirePositive("commit-interval", commitInterval, false);
        requirePositive("update-interval", updateInterval, false);
        if (updateInterval.toMillis() < 10) {
            // Spread over ten slots of at least a millisecond each.
            throw new IllegalArgumentException("sonde.stream.update-interval must be >= 10ms");
        }
        requirePositive("close-timeout", closeTimeout, false);
        requirePositive("cleared-alert-retention", clearedAlertRetention, false);
        requireAtLeast("threads", threads, 1);
        requireAtLeast("max-metrics-per-device", maxMetricsPerDevice, 1);
        if (maxMetricsPerDevice > 4096) {
            throw new IllegalArgumentException(
                    "sonde.stream.max-metrics-per-device must be <= 4096: " + maxMetricsPerDevice);
        }
        requireAtLeast("max-rules", maxRules, 1);
        requireAtLeast("history-windows", historyWindows, 1);
        if (replayWindow < 64 || replayWindow % 64 != 0) {
            throw new IllegalArgumentException(
                    "sonde.stream.replay-window must be a multiple of 64: " + replayWindow);
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
                duration(stream, "idle-check-interval", DEFAULT_IDLE_CHECK_INTERVAL),
                Path.of(stream.get("state-dir").asString().orElse(DEFAULT_STATE_DIR)),
                duration(stream, "commit-interval", DEFAULT_COMMIT_INTERVAL),
                duration(stream, "update-interval", DEFAULT_UPDATE_INTERVAL),
                stream.get("threads").asInt().orElse(DEFAULT_THREADS),
                duration(stream, "close-timeout", DEFAULT_CLOSE_TIMEOUT),
                stream.get("max-metrics-per-device").asInt().orElse(DEFAULT_MAX_METRICS_PER_DEVICE),
                stream.get("replay-window").asInt().orElse(DEFAULT_REPLAY_WINDOW),
                stream.get("max-rules").asInt().orElse(DEFAULT_MAX_RULES),
                stream.get("history-windows").asInt().orElse(DEFAULT_HISTORY_WINDOWS),
                duration(stream, "cleared-alert-retention", DEFAULT_CLEARED_ALERT_RETENTION),
                ConfigRules.read(stream.get("rules")),
                stream.get("advertised-host").asString().asOptional());
    }

    /** The same settings with {@code stateDir} and {@code applicationId} replaced (tests). */
    public StreamConfig withState(String application, Path dir) {
        return new StreamConfig(
                application,
                windows,
                grace,
                deviceOfflineAfter,
                idleCheckInterval,
                dir,
                commitInterval,
                updateInterval,
                threads,
                closeTimeout,
                maxMetricsPerDevice,
                replayWindow,
                maxRules,
                historyWindows,
                clearedAlertRetention,
                rules,
                advertisedHost);
    }

    private static Duration duration(Config node, String key, Duration fallback) {
        return DurationText.get(node.get(key), fallback);
    }

    private static void requirePositive(String key, Duration value, boolean zeroAllowed) {
        Objects.requireNonNull(value, key);
        if (value.isNegative() || (!zeroAllowed && value.isZero())) {
            throw new IllegalArgumentException(
                    "sonde.stream." + key + " must be " + (zeroAllowed ? ">= 0" : "> 0"));
        }
    }

    private static void requireAtLeast(String key, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(
                    "sonde.stream." + key + " must be >= " + min + ": " + value);
        }
    }
}

package io.sonde.ingest.config;

import io.helidon.config.Config;
import io.sonde.platform.config.DurationText;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code sonde.ingest} node: input bounds (defaults in docs/device-protocol.md), per-device
 * rate limits and connection housekeeping.
 *
 * @param maxMessageBytes largest WebSocket message or HTTP body; larger closes with 1009 / 413
 * @param maxReadingsPerBatch readings in one batch
 * @param maxMetricsPerReading metrics in one reading
 * @param maxAttributesPerReading attributes in one reading
 * @param maxAttributeValueChars characters of one attribute value
 * @param maxPast how far behind gateway time a reading's time may be
 * @param maxFuture how far ahead of gateway time a reading's time may be
 * @param readingsPerSecond per-device sustained reading rate
 * @param readingsBurst per-device reading burst
 * @param bytesPerSecond per-device sustained byte rate
 * @param bytesBurst per-device byte burst
 * @param maxInflightBatches batches of one connection written but not yet acknowledged
 * @param maxConnections connections of this gateway; beyond it a device is closed with 1013
 * @param pingInterval how often the gateway pings each device
 * @param idleTimeout a connection silent this long is closed
 * @param shutdownGrace how long close() waits for owed acks before closing with 1001
 * @param writeTimeout a socket write to a device blocked this long ends the connection
 * @param closeLinger after the gateway's close frame, how long it waits for the device's
 * @param maxQueuedBytes record bytes waiting for the producer's thread; beyond, UNAVAILABLE
 * @param transactionLinger how long a Kafka transaction gathers batches after its first
 * @param allowedOrigins WebSocket {@code Origin}s allowed (a connection without one always is);
 *     empty: only pages of the gateway's own host
 * @param maxConnectionsPerAddress connections from one source address; beyond, 1013; 0: no cap
 */
public record IngestConfig(
        int maxMessageBytes,
        int maxReadingsPerBatch,
        int maxMetricsPerReading,
        int maxAttributesPerReading,
        int maxAttributeValueChars,
        Duration maxPast,
        Duration maxFuture,
        double readingsPerSecond,
        double readingsBurst,
        double bytesPerSecond,
        double bytesBurst,
        int maxInflightBatches,
        int maxConnections,
        Duration pingInterval,
        Duration idleTimeout,
        Duration shutdownGrace,
        Duration writeTimeout,
        Duration closeLinger,
        long maxQueuedBytes,
        Duration transactionLinger,
        List<String> allowedOrigins,
        int maxConnectionsPerAddress) {

    public IngestConfig {
        allowedOrigins = List.copyOf(allowedOrigins);
    }

    public static final int DEFAULT_MAX_MESSAGE_BYTES = 256 * 1024;
    public static final int DEFAULT_MAX_READINGS_PER_BATCH = 1_000;
    public static final int DEFAULT_MAX_METRICS_PER_READING = 64;
    public static final int DEFAULT_MAX_ATTRIBUTES_PER_READING = 64;
    public static final int DEFAULT_MAX_ATTRIBUTE_VALUE_CHARS = 256;
    public static final Duration DEFAULT_MAX_PAST = Duration.ofHours(24);
    public static final Duration DEFAULT_MAX_FUTURE = Duration.ofMinutes(5);
    public static final double DEFAULT_READINGS_PER_SECOND = 1_000;
    public static final double DEFAULT_READINGS_BURST = 5_000;
    public static final double DEFAULT_BYTES_PER_SECOND = 1024 * 1024;
    public static final double DEFAULT_BYTES_BURST = 4 * 1024 * 1024;
    public static final int DEFAULT_MAX_INFLIGHT_BATCHES = 64;
    public static final int DEFAULT_MAX_CONNECTIONS = 50_000;
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(20);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(10);
    public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_CLOSE_LINGER = Duration.ofSeconds(5);
    public static final long DEFAULT_MAX_QUEUED_BYTES = 64L * 1024 * 1024;
    public static final Duration DEFAULT_TRANSACTION_LINGER = Duration.ofMillis(5);

    public static IngestConfig defaults() {
        return create(Config.empty());
    }

    public static IngestConfig create(Config ingest) {
        return new IngestConfig(
                ingest.get("max-message-bytes").asInt().orElse(DEFAULT_MAX_MESSAGE_BYTES),
                ingest.get("max-readings-per-batch").asInt().orElse(DEFAULT_MAX_READINGS_PER_BATCH),
                ingest.get("max-metrics-per-reading")
                        .asInt()
                        .orElse(DEFAULT_MAX_METRICS_PER_READING),
                ingest.get("max-attributes-per-reading")
                        .asInt()
                        .orElse(DEFAULT_MAX_ATTRIBUTES_PER_READING),
                ingest.get("max-attribute-value-chars")
                        .asInt()
                        .orElse(DEFAULT_MAX_ATTRIBUTE_VALUE_CHARS),
                DurationText.get(ingest.get("max-past"), DEFAULT_MAX_PAST),
                DurationText.get(ingest.get("max-future"), DEFAULT_MAX_FUTURE),
                ingest.get("rate-limit.readings-per-second")
                        .asDouble()
                        .orElse(DEFAULT_READINGS_PER_SECOND),
                ingest.get("rate-limit.readings-burst").asDouble().orElse(DEFAULT_READINGS_BURST),
                ingest.get("rate-limit.bytes-per-second")
                        .asDouble()
                        .orElse(DEFAULT_BYTES_PER_SECOND),
                ingest.get("rate-limit.bytes-burst").asDouble().orElse(DEFAULT_BYTES_BURST),
                ingest.get("max-inflight-batches").asInt().orElse(DEFAULT_MAX_INFLIGHT_BATCHES),
                ingest.get("max-connections").asInt().orElse(DEFAULT_MAX_CONNECTIONS),
                DurationText.get(ingest.get("ping-interval"), DEFAULT_PING_INTERVAL),
                DurationText.get(ingest.get("idle-timeout"), DEFAULT_IDLE_TIMEOUT),
                DurationText.get(ingest.get("shutdown-grace"), DEFAULT_SHUTDOWN_GRACE),
                DurationText.get(ingest.get("write-timeout"), DEFAULT_WRITE_TIMEOUT),
                DurationText.get(ingest.get("close-linger"), DEFAULT_CLOSE_LINGER),
                ingest.get("max-queued-bytes").asLong().orElse(DEFAULT_MAX_QUEUED_BYTES),
                DurationText.get(ingest.get("transaction-linger"), DEFAULT_TRANSACTION_LINGER),
                list(ingest.get("allowed-origins")),
                ingest.get("max-connections-per-address").asInt().orElse(0));
    }

    // A YAML list, or one comma-separated string (how an environment variable carries it).
    private static List<String> list(Config node) {
        if (node.isList()) {
            return node.asList(String.class).orElse(List.of());
        }
        return node.asString()
                .map(s -> Arrays.stream(s.split(",")).map(String::trim).filter(t -> !t.isEmpty()))
                .map(java.util.stream.Stream::toList)
                .orElse(List.of());
    }
}

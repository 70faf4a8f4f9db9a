package io.sonde.push;

import io.helidon.config.Config;
import io.helidon.config.ConfigException;
import io.sonde.platform.config.DurationText;
import java.time.Duration;

/**
 * The {@code sonde.push} node. Durations are written {@code 15s}, {@code 500ms}, {@code 2m} or in
 * ISO-8601 ({@code PT15S}).
 *
 * @param sessionQueueSize live events a session may hold before it is closed as slow
 * @param heartbeat longest silence on an SSE stream before a comment; at most 15 s
 *     (docs/streams.md)
 * @param sseRetry reconnect delay hinted to SSE clients
 * @param writeTimeout how long one write to a client may block before it is dropped
 * @param maxChannels most channels one stream may subscribe to
 */
public record PushConfig(
        int sessionQueueSize,
        Duration heartbeat,
        Duration sseRetry,
        Duration writeTimeout,
        int maxChannels) {
    public static final int DEFAULT_SESSION_QUEUE_SIZE = 1024;
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(15);
    public static final Duration MAX_HEARTBEAT = Duration.ofSeconds(15);
    public static final Duration DEFAULT_SSE_RETRY = Duration.ofSeconds(3);
    public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_CHANNELS = 32;

    public PushConfig {
        if (sessionQueueSize < 1 || maxChannels < 1) {
            throw new ConfigException("sonde.push sizes must be at least 1");
        }
        if (heartbeat.isNegative()
                || heartbeat.isZero()
                || heartbeat.compareTo(MAX_HEARTBEAT) > 0) {
            throw new ConfigException("sonde.push.heartbeat must be above 0 and at most 15s");
        }
        if (!writeTimeout.isPositive() || sseRetry.isNegative()) {
            throw new ConfigException("sonde.push.write-timeout must be above 0");
        }
    }

    /** The defaults, as if {@code sonde.push} were empty. */
    public static PushConfig defaults() {
        return new PushConfig(
                DEFAULT_SESSION_QUEUE_SIZE,
                DEFAULT_HEARTBEAT,
                DEFAULT_SSE_RETRY,
                DEFAULT_WRITE_TIMEOUT,
                DEFAULT_MAX_CHANNELS);
    }

    public static PushConfig create(Config push) {
        return new PushConfig(
                push.get("session-queue-size").asInt().orElse(DEFAULT_SESSION_QUEUE_SIZE),
                duration(push.get("heartbeat"), DEFAULT_HEARTBEAT),
                duration(push.get("sse-retry"), DEFAULT_SSE_RETRY),
                duration(push.get("write-timeout"), DEFAULT_WRITE_TIMEOUT),
                push.get("max-channels").asInt().orElse(DEFAULT_MAX_CHANNELS));
    }

    static Duration duration(Config node, Duration fallback) {
        return DurationText.get(node, fallback);
    }
}

package io.sonde.push;

import io.helidon.config.Config;
import io.helidon.config.ConfigException;
import io.sonde.platform.config.DurationText;
import io.sonde.push.kafka.CatchUpSettings;
import java.net.URI;
import java.time.Duration;

/**
 * The {@code sonde.push} node (docs/configuration.md). Durations are written {@code 15s}, {@code
 * 500ms}, {@code 2m} or in ISO-8601 ({@code PT15S}).
 *
 * @param sessionQueueSize events a session may hold before it is closed as slow
 * @param heartbeat longest silence on a stream before a heartbeat; at most 15 s
 * @param sseRetry reconnect delay hinted to SSE clients
 * @param writeTimeout how long one write to a client may block before it is dropped
 * @param maxChannels most channels of one SSE stream or poll, subscriptions of one WebSocket
 * @param maxStreamsPerToken most open streams (SSE, WebSocket, polls) one token may hold
 * @param pollMaxEvents most events in one poll answer
 * @param pollMaxWait longest {@code wait} of a poll
 * @param snapshotLookback how far back telemetry and aggregates are read at start to rebuild the
 *     device channels' snapshots
 * @param processorUrl the stream processor's API, for history, alerts and rules
 * @param catchUp how history is read for resumes and {@code since}
 */
public record PushConfig(
        int sessionQueueSize,
        Duration heartbeat,
        Duration sseRetry,
        Duration writeTimeout,
        int maxChannels,
        int maxStreamsPerToken,
        int pollMaxEvents,
        Duration pollMaxWait,
        Duration snapshotLookback,
        URI processorUrl,
        CatchUpSettings catchUp) {
    public static final int DEFAULT_SESSION_QUEUE_SIZE = 1024;
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(15);
    public static final Duration MAX_HEARTBEAT = Duration.ofSeconds(15);
    public static final Duration DEFAULT_SSE_RETRY = Duration.ofSeconds(3);
    public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_CHANNELS = 32;
    public static final int DEFAULT_MAX_STREAMS_PER_TOKEN = 64;
    public static final int DEFAULT_POLL_MAX_EVENTS = 500;
    public static final Duration DEFAULT_POLL_MAX_WAIT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_SNAPSHOT_LOOKBACK = Duration.ofMinutes(5);
    public static final URI DEFAULT_PROCESSOR_URL = URI.create("http://127.0.0.1:8082");
    public static final int DEFAULT_CATCH_UP_READERS = 2;
    public static final int DEFAULT_CATCH_UP_MAX_WAITING = 10_000;
    public static final int DEFAULT_CATCH_UP_RECORDS_PER_SECOND = 200_000;
    public static final Duration DEFAULT_CATCH_UP_CLIENT_WAIT = Duration.ofSeconds(10);

    public PushConfig {
        if (sessionQueueSize < 1 || maxChannels < 1 || maxStreamsPerToken < 1) {
            throw new ConfigException("sonde.push sizes must be at least 1");
        }
        if (pollMaxEvents < 1 || pollMaxEvents > sessionQueueSize) {
            throw new ConfigException("sonde.push.poll-max-events must be 1 to session-queue-size");
        }
        if (heartbeat.isNegative()
                || heartbeat.isZero()
                || heartbeat.compareTo(MAX_HEARTBEAT) > 0) {
            throw new ConfigException("sonde.push.heartbeat must be above 0 and at most 15s");
        }
        if (!writeTimeout.isPositive() || sseRetry.isNegative()) {
            throw new ConfigException("sonde.push.write-timeout must be above 0");
        }
        if (pollMaxWait.isNegative() || snapshotLookback.isNegative()) {
            throw new ConfigException(
                    "sonde.push.poll-max-wait and snapshot-lookback must not be negative");
        }
    }

    /** The defaults, as if {@code sonde.push} were empty. */
    public static PushConfig defaults() {
        return create(Config.empty());
    }

    public static PushConfig create(Config push) {
        Config catchUp = push.get("catch-up");
        CatchUpSettings history;
        try {
            history =
                    new CatchUpSettings(
                            catchUp.get("readers").asInt().orElse(DEFAULT_CATCH_UP_READERS),
                            catchUp.get("max-waiting").asInt().orElse(DEFAULT_CATCH_UP_MAX_WAITING),
                            catchUp.get("records-per-second")
                                    .asInt()
                                    .orElse(DEFAULT_CATCH_UP_RECORDS_PER_SECOND),
                            duration(catchUp.get("client-wait"), DEFAULT_CATCH_UP_CLIENT_WAIT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("sonde.push.catch-up: " + e.getMessage());
        }
        return new PushConfig(
                push.get("session-queue-size").asInt().orElse(DEFAULT_SESSION_QUEUE_SIZE),
                duration(push.get("heartbeat"), DEFAULT_HEARTBEAT),
                duration(push.get("sse-retry"), DEFAULT_SSE_RETRY),
                duration(push.get("write-timeout"), DEFAULT_WRITE_TIMEOUT),
                push.get("max-channels").asInt().orElse(DEFAULT_MAX_CHANNELS),
                push.get("max-streams-per-token").asInt().orElse(DEFAULT_MAX_STREAMS_PER_TOKEN),
                push.get("poll-max-events").asInt().orElse(DEFAULT_POLL_MAX_EVENTS),
                duration(push.get("poll-max-wait"), DEFAULT_POLL_MAX_WAIT),
                duration(push.get("snapshot-lookback"), DEFAULT_SNAPSHOT_LOOKBACK),
                processorUrl(push.get("processor-url")),
                history);
    }

    static Duration duration(Config node, Duration fallback) {
        return DurationText.get(node, fallback);
    }

    private static URI processorUrl(Config node) {
        String text = node.asString().orElse(DEFAULT_PROCESSOR_URL.toString());
        try {
            URI uri = URI.create(text);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                throw new IllegalArgumentException("not http(s)");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new ConfigException("sonde.push.processor-url is not an http URL: " + text);
        }
    }
}

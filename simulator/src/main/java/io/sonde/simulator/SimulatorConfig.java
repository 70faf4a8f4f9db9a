package io.sonde.simulator;

import io.sonde.client.device.WireFormat;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * What to simulate. Build with {@link #builder(URI, Function)}; every default is a named constant.
 *
 * @param url the ingest WebSocket, e.g. {@code ws://localhost:8081/v1/ingest}
 * @param devices how many virtual devices, one connection each
 * @param rate readings per second per device; may be fractional (0.5 = one every 2 s)
 * @param duration how long to generate readings; {@link Duration#ZERO} = until stopped
 * @param batchInterval how often a device sends the readings that fell due since its last batch
 * @param devicePrefix device ids are this prefix followed by 1..devices
 * @param tokens device id to a device token (called again for a fresh one after a 1008 close and
 *     before the current token expires); may be called from any thread
 * @param format binary protobuf frames or proto3 JSON text frames
 * @param maxUnackedBatches per device; a batch falling due when this many wait for their ack is not
 *     sent and counted as dropped
 * @param traceRatio fraction of readings that carry a random W3C traceparent (0..1)
 * @param dayLength period of the daily temperature cycle, compressed so a demo shows it
 * @param drainTimeout how long {@code stop()} waits for outstanding acks before closing
 * @param reconnectMin first reconnect delay; doubles per failure up to {@code reconnectMax}
 * @param reconnectMax cap of the reconnect delay
 * @param progressInterval print a progress line this often; {@link Duration#ZERO} = quiet
 * @param progress where progress lines go
 */
public record SimulatorConfig(
        URI url,
        int devices,
        double rate,
        Duration duration,
        Duration batchInterval,
        String devicePrefix,
        Function<String, String> tokens,
        WireFormat format,
        int maxUnackedBatches,
        double traceRatio,
        Duration dayLength,
        Duration drainTimeout,
        Duration reconnectMin,
        Duration reconnectMax,
        Duration progressInterval,
        PrintStream progress) {

    public static final int DEFAULT_DEVICES = 10;
    public static final double DEFAULT_RATE = 1.0;
    public static final Duration DEFAULT_BATCH_INTERVAL = Duration.ofSeconds(1);
    public static final String DEFAULT_DEVICE_PREFIX = "sim-";
    public static final int DEFAULT_MAX_UNACKED_BATCHES = 64;
    public static final double DEFAULT_TRACE_RATIO = 1.0;
    public static final Duration DEFAULT_DAY_LENGTH = Duration.ofMinutes(10);
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_RECONNECT_MIN = Duration.ofMillis(200);
    public static final Duration DEFAULT_RECONNECT_MAX = Duration.ofSeconds(15);
    public static final Duration DEFAULT_PROGRESS_INTERVAL = Duration.ZERO;

    /** Seq is epoch microseconds at start + n: a faster device would overtake its next run. */
    public static final double MAX_RATE = 100_000;

    public SimulatorConfig {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(devicePrefix, "devicePrefix");
        Objects.requireNonNull(progress, "progress");
        String scheme = String.valueOf(url.getScheme());
        require(scheme.equals("ws") || scheme.equals("wss"), "url must be ws:// or wss://: " + url);
        require(devices >= 1, "devices must be at least 1");
        require(rate > 0 && rate <= MAX_RATE, "rate must be in (0, " + MAX_RATE + "]: " + rate);
        require(!duration.isNegative(), "duration must not be negative");
        require(batchInterval.toMillis() >= 10, "batch interval must be at least 10 ms");
        require(maxUnackedBatches >= 1, "max unacked batches must be at least 1");
        require(traceRatio >= 0 && traceRatio <= 1, "trace ratio must be in [0, 1]");
        require(dayLength.toSeconds() >= 1, "day length must be at least 1 s");
        require(!drainTimeout.isNegative(), "drain timeout must not be negative");
        require(reconnectMin.toMillis() >= 1, "reconnect min must be at least 1 ms");
        require(reconnectMax.compareTo(reconnectMin) >= 0, "reconnect max must be >= min");
        require(!progressInterval.isNegative(), "progress interval must not be negative");
    }

    /** Options with every default, sending to {@code url} with tokens from {@code tokens}. */
    public static Builder builder(URI url, Function<String, String> tokens) {
        return new Builder(url, tokens);
    }

    /** The id of device {@code index} (1-based). */
    public String deviceId(int index) {
        return devicePrefix + index;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Mutable builder; {@link #build()} validates. */
    public static final class Builder {
        private final URI url;
        private final Function<String, String> tokens;
        private int devices = DEFAULT_DEVICES;
        private double rate = DEFAULT_RATE;
        private Duration duration = Duration.ZERO;
        private Duration batchInterval = DEFAULT_BATCH_INTERVAL;
        private String devicePrefix = DEFAULT_DEVICE_PREFIX;
        private WireFormat format = WireFormat.PROTOBUF;
        private int maxUnackedBatches = DEFAULT_MAX_UNACKED_BATCHES;
        private double traceRatio = DEFAULT_TRACE_RATIO;
        private Duration dayLength = DEFAULT_DAY_LENGTH;
        private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
        private Duration reconnectMin = DEFAULT_RECONNECT_MIN;
        private Duration reconnectMax = DEFAULT_RECONNECT_MAX;
        private Duration progressInterval = DEFAULT_PROGRESS_INTERVAL;
        private PrintStream progress = System.out;

        private Builder(URI url, Function<String, String> tokens) {
            this.url = url;
            this.tokens = tokens;
        }

        public Builder devices(int devices) {
            this.devices = devices;
            return this;
        }

        public Builder rate(double rate) {
            this.rate = rate;
            return this;
        }

        public Builder duration(Duration duration) {
            this.duration = duration;
            return this;
        }

        public Builder batchInterval(Duration batchInterval) {
            this.batchInterval = batchInterval;
            return this;
        }

        public Builder devicePrefix(String devicePrefix) {
            this.devicePrefix = devicePrefix;
            return this;
        }

        public Builder format(WireFormat format) {
            this.format = format;
            return this;
        }

        public Builder maxUnackedBatches(int maxUnackedBatches) {
            this.maxUnackedBatches = maxUnackedBatches;
            return this;
        }

        public Builder traceRatio(double traceRatio) {
            this.traceRatio = traceRatio;
            return this;
        }

        public Builder dayLength(Duration dayLength) {
            this.dayLength = dayLength;
            return this;
        }

        public Builder drainTimeout(Duration drainTimeout) {
            this.drainTimeout = drainTimeout;
            return this;
        }

        public Builder reconnect(Duration min, Duration max) {
            this.reconnectMin = min;
            this.reconnectMax = max;
            return this;
        }

        /** Print a progress line to {@code out} every {@code interval}; ZERO = quiet. */
        public Builder progress(Duration interval, PrintStream out) {
            this.progressInterval = interval;
            this.progress = out;
            return this;
        }

        public SimulatorConfig build() {
            return new SimulatorConfig(
                    url,
                    devices,
                    rate,
                    duration,
                    batchInterval,
                    devicePrefix,
                    tokens,
                    format,
                    maxUnackedBatches,
                    traceRatio,
                    dayLength,
                    drainTimeout,
                    reconnectMin,
                    reconnectMax,
                    progressInterval,
                    progress);
        }
    }
}

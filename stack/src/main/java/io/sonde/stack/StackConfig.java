package io.sonde.stack;

import io.sonde.platform.kafka.KafkaConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How a {@link LocalStack} runs. Ports are preferences: a taken one falls back to a free port, and
 * 0 always picks a free one. Build with {@link #builder(Path)}.
 *
 * @param dataDir broker data, keys and Streams state
 * @param existingCluster bootstrap servers of a running Kafka to use instead of starting one
 * @param topicPrefix prefix of every topic
 * @param kafkaPort preferred port of the embedded broker
 * @param ingestPort preferred ingest gateway port
 * @param streamPort preferred stream processor port
 * @param pushPort preferred push gateway port
 * @param host the address the services listen on
 * @param partitions partitions of topics the stack creates
 * @param replicationFactor replicas of each topic the stack or its services create: 1 on the
 *     embedded broker
 * @param streamSettings extra settings of the stream processor (e.g. starting alert rules)
 */
public record StackConfig(
        Path dataDir,
        Optional<String> existingCluster,
        String topicPrefix,
        int kafkaPort,
        int ingestPort,
        int streamPort,
        int pushPort,
        String host,
        int partitions,
        short replicationFactor,
        Map<String, String> streamSettings) {

    public StackConfig {
        streamSettings = Map.copyOf(streamSettings);
    }

    /** The documented ports; the demo's choice. */
    public static final int KAFKA_PORT = 9092;

    public static final int INGEST_PORT = 8081;
    public static final int STREAM_PORT = 8082;
    public static final int PUSH_PORT = 8080;
    public static final String DEFAULT_TOPIC_PREFIX = "sonde.";
    public static final String LOOPBACK = "127.0.0.1";
    public static final int DEFAULT_PARTITIONS = 3;

    /** Free ports on loopback, an embedded broker, 3 partitions: what tests and benchmarks want. */
    public static Builder builder(Path dataDir) {
        return new Builder(dataDir);
    }

    /** Free ports on loopback against the running cluster of {@code kafka}, with its prefix. */
    public static StackConfig onCluster(Path dataDir, KafkaConfig kafka) {
        return builder(dataDir)
                .existingCluster(kafka.bootstrapServers(), kafka.topicPrefix())
                .partitions(kafka.partitions())
                .replicationFactor(kafka.replicationFactor())
                .build();
    }

    /** Builds a {@link StackConfig}. */
    public static final class Builder {
        private final Path dataDir;
        private Optional<String> existingCluster = Optional.empty();
        private String topicPrefix = DEFAULT_TOPIC_PREFIX;
        private int kafkaPort;
        private int ingestPort;
        private int streamPort;
        private int pushPort;
        private int partitions = DEFAULT_PARTITIONS;
        private short replicationFactor = 1;
        private final Map<String, String> streamSettings = new HashMap<>();

        private Builder(Path dataDir) {
            this.dataDir = dataDir;
        }

        /** The documented ports, each falling back to a free one when taken. */
        public Builder documentedPorts() {
            return ports(KAFKA_PORT, INGEST_PORT, STREAM_PORT, PUSH_PORT);
        }

        public Builder ports(int kafka, int ingest, int stream, int push) {
            this.kafkaPort = kafka;
            this.ingestPort = ingest;
            this.streamPort = stream;
            this.pushPort = push;
            return this;
        }

        /** Uses a running Kafka at {@code bootstrapServers} with its own topic prefix. */
        public Builder existingCluster(String bootstrapServers, String prefix) {
            this.existingCluster = Optional.of(bootstrapServers);
            this.topicPrefix = prefix;
            return this;
        }

        public Builder partitions(int count) {
            this.partitions = count;
            return this;
        }

        /** Replicas of each topic created, for a cluster of that many brokers or more. */
        public Builder replicationFactor(short replicas) {
            this.replicationFactor = replicas;
            return this;
        }

        /** A setting of the stream processor, as a flag: {@code sonde.stream.rules.0.id=...}. */
        public Builder streamSetting(String key, String value) {
            streamSettings.put(key, value);
            return this;
        }

        public StackConfig build() {
            return new StackConfig(
                    dataDir,
                    existingCluster,
                    topicPrefix,
                    kafkaPort,
                    ingestPort,
                    streamPort,
                    pushPort,
                    LOOPBACK,
                    partitions,
                    replicationFactor,
                    streamSettings);
        }
    }
}

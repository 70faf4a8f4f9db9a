package io.sonde.platform.kafka;

import io.helidon.config.Config;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * Where Kafka is and how Sonde names and creates its topics: the {@code sonde.kafka} config node.
 * Client settings under {@code producer}, {@code consumer}, {@code streams} and {@code admin} pass
 * through verbatim; each service applies them last, over its own defaults (docs/configuration.md).
 *
 * <p>The bootstrap servers come from configuration only. {@code KAFKA_BOOTSTRAP_SERVERS} is mapped
 * to this key by {@link io.sonde.platform.config.ServiceConfig} like any other environment
 * variable, so an explicit command-line value still wins over it.
 *
 * @param bootstrapServers comma-separated {@code host:port} list
 * @param topicPrefix prefix of every topic name
 * @param partitions partitions of topics Sonde creates
 * @param replicationFactor replication of topics Sonde creates; -1 takes the broker default
 * @param producer verbatim producer settings
 * @param consumer verbatim consumer settings
 * @param streams verbatim Kafka Streams settings
 * @param admin verbatim admin client settings
 */
public record KafkaConfig(
        String bootstrapServers,
        String topicPrefix,
        int partitions,
        short replicationFactor,
        Map<String, String> producer,
        Map<String, String> consumer,
        Map<String, String> streams,
        Map<String, String> admin) {

    public static final String DEFAULT_BOOTSTRAP_SERVERS = "localhost:9092";
    public static final int DEFAULT_PARTITIONS = 6;
    public static final short DEFAULT_REPLICATION_FACTOR = -1;

    public KafkaConfig {
        producer = Map.copyOf(producer);
        consumer = Map.copyOf(consumer);
        streams = Map.copyOf(streams);
        admin = Map.copyOf(admin);
    }

    /** A cluster at {@code bootstrapServers} with default partitions and replication. */
    public static KafkaConfig of(String bootstrapServers, String topicPrefix) {
        return of(bootstrapServers, topicPrefix, DEFAULT_PARTITIONS, DEFAULT_REPLICATION_FACTOR);
    }

    /** A cluster at {@code bootstrapServers}; new topics get {@code partitions} and {@code rf}. */
    public static KafkaConfig of(
            String bootstrapServers, String topicPrefix, int partitions, short rf) {
        return new KafkaConfig(
                bootstrapServers,
                topicPrefix,
                partitions,
                rf,
                Map.of(),
                Map.of(),
                Map.of(),
                Map.of());
    }

    /** Reads the {@code sonde.kafka} node; absent keys take the defaults above. */
    public static KafkaConfig create(Config kafka) {
        return new KafkaConfig(
                kafka.get("bootstrap-servers").asString().orElse(DEFAULT_BOOTSTRAP_SERVERS),
                kafka.get("topic-prefix").asString().orElse(Topics.DEFAULT_PREFIX),
                kafka.get("partitions").asInt().orElse(DEFAULT_PARTITIONS),
                kafka.get("replication-factor")
                        .asInt()
                        .map(Integer::shortValue)
                        .orElse(DEFAULT_REPLICATION_FACTOR),
                passThrough(kafka.get("producer")),
                passThrough(kafka.get("consumer")),
                passThrough(kafka.get("streams")),
                passThrough(kafka.get("admin")));
    }

    public Topics topics() {
        return Topics.withPrefix(topicPrefix);
    }

    /**
     * The settings every client starts from: the bootstrap servers and a client id. A service adds
     * its own policy (acks, isolation, ...) and then the verbatim settings of its client kind.
     */
    public Map<String, Object> clientProperties(String clientId) {
        Map<String, Object> props = new HashMap<>();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        return props;
    }

    /** Properties for an admin client: the base settings and the verbatim admin settings. */
    public Map<String, Object> adminProperties(String clientId) {
        Map<String, Object> props = clientProperties(clientId);
        props.putAll(admin);
        return props;
    }

    private static Map<String, String> passThrough(Config node) {
        return node.exists() ? node.detach().asMap().orElse(Map.of()) : Map.of();
    }
}

package io.sonde.platform.kafka;

import io.helidon.config.Config;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Where Kafka is and how Sonde's clients talk to it: the {@code sonde.kafka} config node. Client
 * settings under {@code producer}, {@code consumer}, {@code streams} and {@code admin} pass through
 * verbatim and win over Sonde's defaults.
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
public record KafkaSettings(
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

    /** The environment variable SPEC §2 names for single services against an external Kafka. */
    public static final String BOOTSTRAP_ENV = "KAFKA_BOOTSTRAP_SERVERS";

    public KafkaSettings {
        producer = Map.copyOf(producer);
        consumer = Map.copyOf(consumer);
        streams = Map.copyOf(streams);
        admin = Map.copyOf(admin);
    }

    /** Settings for a cluster at {@code bootstrapServers} with defaults for everything else. */
    public static KafkaSettings of(String bootstrapServers, String topicPrefix) {
        return new KafkaSettings(
                bootstrapServers,
                topicPrefix,
                DEFAULT_PARTITIONS,
                DEFAULT_REPLICATION_FACTOR,
                Map.of(),
                Map.of(),
                Map.of(),
                Map.of());
    }

    /** Reads the {@code sonde.kafka} node; {@code KAFKA_BOOTSTRAP_SERVERS} wins when set. */
    public static KafkaSettings create(Config kafka) {
        String bootstrap =
                Optional.ofNullable(System.getenv(BOOTSTRAP_ENV))
                        .filter(s -> !s.isBlank())
                        .orElseGet(() ->
                                kafka.get("bootstrap-servers")
                                        .asString()
                                        .orElse(DEFAULT_BOOTSTRAP_SERVERS));
        return new KafkaSettings(
                bootstrap,
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

    public KafkaSettings withBootstrapServers(String servers) {
        return new KafkaSettings(
                servers,
                topicPrefix,
                partitions,
                replicationFactor,
                producer,
                consumer,
                streams,
                admin);
    }

    public KafkaSettings withPartitions(int count) {
        return new KafkaSettings(
                bootstrapServers,
                topicPrefix,
                count,
                replicationFactor,
                producer,
                consumer,
                streams,
                admin);
    }

    public KafkaSettings withReplicationFactor(short factor) {
        return new KafkaSettings(
                bootstrapServers,
                topicPrefix,
                partitions,
                factor,
                producer,
                consumer,
                streams,
                admin);
    }

    public Topics topics() {
        return Topics.withPrefix(topicPrefix);
    }

    /**
     * Properties for the producer that makes records durable before a device is acknowledged:
     * idempotent with {@code acks=all}, so a retry inside the client never duplicates a batch.
     */
    public Map<String, Object> producerProperties(String clientId) {
        Map<String, Object> props = base(clientId);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // A short linger groups concurrent device batches into one request per partition.
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // Fail a send within seconds, so that a device hears UNAVAILABLE instead of waiting.
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.putAll(producer);
        return props;
    }

    /** Properties for a consumer that reads committed records only, without a group. */
    public Map<String, Object> consumerProperties(String clientId) {
        Map<String, Object> props = base(clientId);
        // Streams writes with transactions: never show a reader what was aborted.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.putAll(consumer);
        return props;
    }

    /** Properties for an admin client. */
    public Map<String, Object> adminProperties(String clientId) {
        Map<String, Object> props = base(clientId);
        props.putAll(admin);
        return props;
    }

    /** The verbatim Streams settings plus the bootstrap servers; the topology adds its own. */
    public Map<String, Object> streamsProperties() {
        Map<String, Object> props = new HashMap<>();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.putAll(streams);
        return props;
    }

    private Map<String, Object> base(String clientId) {
        Map<String, Object> props = new HashMap<>();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        return props;
    }

    private static Map<String, String> passThrough(Config node) {
        return node.exists() ? node.detach().asMap().orElse(Map.of()) : Map.of();
    }
}

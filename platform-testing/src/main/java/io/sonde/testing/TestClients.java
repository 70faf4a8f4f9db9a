package io.sonde.testing;

import io.sonde.platform.kafka.KafkaConfig;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Kafka client settings for tests that write or read Sonde's topics themselves, as an independent
 * program would: a durable producer, a consumer that sees committed records only.
 */
public final class TestClients {
    private TestClients() {}

    /** An idempotent {@code acks=all} producer of raw bytes. */
    public static Map<String, Object> producer(KafkaConfig kafka, String clientId) {
        Map<String, Object> props = kafka.clientProperties(clientId);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return props;
    }

    /** A consumer of raw bytes without a group, {@code read_committed}, from the earliest. */
    public static Map<String, Object> consumer(KafkaConfig kafka, String clientId) {
        Map<String, Object> props = kafka.clientProperties(clientId);
        // The processor writes in transactions: never show a test what was aborted.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return props;
    }
}

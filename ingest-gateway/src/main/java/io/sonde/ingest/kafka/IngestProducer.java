package io.sonde.ingest.kafka;

import io.sonde.platform.kafka.KafkaConfig;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The settings of the gateway's producer, the one that makes readings durable before a device is
 * acknowledged. Public so that the ingest benchmark's baseline (Kafka's ProducerPerformance) runs
 * with exactly the same settings.
 */
public final class IngestProducer {
    private IngestProducer() {}

    /**
     * Idempotent with {@code acks=all}, so a retry inside the client never duplicates a batch; the
     * verbatim {@code sonde.kafka.producer.*} settings are applied last and win.
     */
    public static Map<String, Object> properties(KafkaConfig kafka, String clientId) {
        return properties(kafka, clientId, Map.of());
    }

    /**
     * The gateway's own producer: {@link #properties} made transactional, so that a batch is
     * committed whole or not at all. The {@code transactional.id} defaults to a fresh one per
     * process; set {@code sonde.kafka.producer.transactional.id} to one stable per instance (unique
     * across instances) and a restarted instance fences what its predecessor left open at once,
     * instead of {@code read_committed} readers waiting up to the transaction timeout (10 s) on the
     * partitions it wrote.
     */
    static Map<String, Object> transactional(KafkaConfig kafka, String clientId) {
        return properties(
                kafka,
                clientId,
                Map.of(
                        ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                        clientId + "-" + UUID.randomUUID(),
                        ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                        10_000));
    }

    private static Map<String, Object> properties(
            KafkaConfig kafka, String clientId, Map<String, Object> defaults) {
        Map<String, Object> props = kafka.clientProperties(clientId);
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
        props.putAll(defaults);
        props.putAll(kafka.producer());
        return props;
    }
}

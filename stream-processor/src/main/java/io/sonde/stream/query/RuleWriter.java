package io.sonde.stream.query;

import io.sonde.platform.kafka.KafkaConfig;
import io.sonde.platform.kafka.Topic;
import io.sonde.proto.v1.AlertRule;
import io.sonde.stream.alert.Rule;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes rule changes to the compacted rules topic, the one source of truth every instance reads
 * into its global store: a rule is its record, a deletion a tombstone. Thread-safe.
 */
public final class RuleWriter implements AutoCloseable {
    private static final long TIMEOUT_SECONDS = 15;

    private final Producer<byte[], byte[]> producer;
    private final Topic<String, AlertRule> topic;

    public RuleWriter(KafkaConfig kafka) {
        Map<String, Object> props = kafka.clientProperties("sonde-stream-rules");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.putAll(kafka.producer());
        this.producer = new KafkaProducer<>(props);
        this.topic = kafka.topics().alertRules();
    }

    /** Writes {@code rule} and waits until it is durable. */
    public void write(Rule rule) {
        send(rule.id(), rule.toProto().toByteArray());
    }

    /** Writes the tombstone of {@code id} and waits until it is durable. */
    public void delete(String id) {
        send(id, null);
    }

    private void send(String id, byte[] value) {
        try {
            producer.send(
                            new ProducerRecord<>(
                                    topic.name(), id.getBytes(StandardCharsets.UTF_8), value))
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaException(
                    "cannot write rule " + id + " to " + topic.name() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted writing rule " + id, e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}

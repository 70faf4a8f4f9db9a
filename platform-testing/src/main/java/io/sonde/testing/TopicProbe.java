package io.sonde.testing;

import io.sonde.platform.kafka.KafkaConfig;
import io.sonde.platform.kafka.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a topic from the beginning, as an independent program would: for tests that check what
 * really reached Kafka. Not thread-safe; one per test.
 */
public final class TopicProbe<K, V> implements AutoCloseable {
    private final KafkaConsumer<K, V> consumer;
    private final List<ConsumerRecord<K, V>> seen = new ArrayList<>();

    public TopicProbe(KafkaConfig kafka, Topic<K, V> topic) {
        Map<String, Object> props = TestClients.consumer(kafka, "sonde-test-probe");
        this.consumer =
                new KafkaConsumer<>(
                        props, topic.keySerde().deserializer(), topic.valueSerde().deserializer());
        List<TopicPartition> partitions =
                consumer.partitionsFor(topic.name(), Duration.ofSeconds(30)).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition()))
                        .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Polls once (up to 200 ms) and returns everything seen so far. */
    public List<ConsumerRecord<K, V>> poll() {
        consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
        return List.copyOf(seen);
    }

    /** Values seen so far, after one more poll. */
    public List<V> values() {
        return poll().stream().map(ConsumerRecord::value).toList();
    }

    @Override
    public void close() {
        consumer.close();
    }
}

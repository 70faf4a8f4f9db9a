package io.sonde.stream.query;

import io.sonde.platform.kafka.KafkaConfig;
import io.sonde.stream.alert.Rule;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Writes the rules of configuration ({@code sonde.stream.rules}) to the rules topic when the topic
 * has no record for their id. A rule deleted through the API therefore stays deleted while its
 * tombstone is kept (the topic's {@code delete.retention.ms}); to drop a configured rule for good,
 * remove it from the configuration.
 */
public final class RuleSeeder {
    private static final System.Logger LOG = System.getLogger(RuleSeeder.class.getName());
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private RuleSeeder() {}

    /** Reads the topic to its end, then writes the configured rules it lacks. */
    public static void seed(KafkaConfig kafka, List<Rule> rules, RuleWriter writer) {
        if (rules.isEmpty()) {
            return;
        }
        Set<String> present = idsInTopic(kafka);
        for (Rule rule : rules) {
            if (!present.contains(rule.id())) {
                writer.write(rule);
                LOG.log(Level.INFO, "wrote configured rule {0} to the rules topic", rule.id());
            }
        }
    }

    private static Set<String> idsInTopic(KafkaConfig kafka) {
        Map<String, Object> props = kafka.clientProperties("sonde-stream-rule-seeder");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        Set<String> ids = new HashSet<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            String topic = kafka.topics().alertRules().name();
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topic, DEADLINE).stream()
                            .map(p -> new TopicPartition(topic, p.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, DEADLINE);
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    if (r.key() != null) {
                        ids.add(new String(r.key(), StandardCharsets.UTF_8));
                    }
                }
            }
        }
        return ids;
    }
}

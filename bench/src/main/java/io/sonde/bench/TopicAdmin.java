package io.sonde.bench;

import io.sonde.platform.kafka.KafkaConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** What the scenarios ask of the cluster besides Sonde's own topics: baseline topics, counts. */
public final class TopicAdmin {
    private static final long TIMEOUT_SECONDS = 30;

    private TopicAdmin() {}

    /** Creates {@code topic} with the cluster config's partitions and RF, for a baseline tool. */
    public static void create(KafkaConfig kafka, String topic) {
        try (Admin admin = Admin.create(kafka.adminProperties("sonde-bench"))) {
            admin.createTopics(
                            List.of(
                                    new NewTopic(
                                            topic, kafka.partitions(), kafka.replicationFactor())))
                    .all()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new BenchException("cannot create topic " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted creating topic " + topic, e);
        }
    }

    /** The sum of the end offsets of {@code topic}: its record count when written without gaps. */
    public static long endOffsetSum(KafkaConfig kafka, String topic) {
        try (Admin admin = Admin.create(kafka.adminProperties("sonde-bench"))) {
            return endOffsetSum(admin, topic);
        }
    }

    /** The sum of the end offsets of {@code topic}, read with {@code admin}. */
    public static long endOffsetSum(Admin admin, String topic) {
        return endOffsets(admin, topic).values().stream().mapToLong(Long::longValue).sum();
    }

    /** The end offset of each partition of {@code topic}. */
    public static Map<TopicPartition, Long> endOffsets(KafkaConfig kafka, String topic) {
        try (Admin admin = Admin.create(kafka.adminProperties("sonde-bench"))) {
            return endOffsets(admin, topic);
        }
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) {
        try {
            TopicDescription d =
                    admin.describeTopics(List.of(topic))
                            .allTopicNames()
                            .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                            .get(topic);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            d.partitions()
                    .forEach(p ->
                            latest.put(
                                    new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            Map<TopicPartition, Long> out = new HashMap<>();
            admin.listOffsets(latest)
                    .all()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .forEach((tp, r) -> out.put(tp, r.offset()));
            return out;
        } catch (ExecutionException | TimeoutException e) {
            throw new BenchException("cannot read end offsets of " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted reading offsets of " + topic, e);
        }
    }

    /**
     * The records a {@code read_committed} reader finds between two snapshots of {@link
     * #endOffsets}: what transactions committed, without their markers or aborted records.
     */
    public static long committedBetween(
            KafkaConfig kafka, Map<TopicPartition, Long> from, Map<TopicPartition, Long> to) {
        Map<String, Object> props = kafka.clientProperties("sonde-bench-count");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        long count = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS * 4);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(to.keySet());
            to.keySet().forEach(tp -> consumer.seek(tp, from.getOrDefault(tp, 0L)));
            while (!reached(consumer, to)) {
                if (System.nanoTime() > deadline) {
                    throw new BenchException("cannot read the committed records of " + to.keySet());
                }
                for (var r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() < to.get(new TopicPartition(r.topic(), r.partition()))) {
                        count++;
                    }
                }
            }
        }
        return count;
    }

    private static boolean reached(
            KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> to) {
        return to.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    /** The offsets consumer group {@code group} committed on {@code topic}, summed. */
    public static long committedSum(Admin admin, String group, String topic) {
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets =
                    admin.listConsumerGroupOffsets(group)
                            .partitionsToOffsetAndMetadata()
                            .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return offsets.entrySet().stream()
                    .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset())
                    .sum();
        } catch (ExecutionException | TimeoutException e) {
            throw new BenchException("cannot read offsets of group " + group, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted reading offsets of group " + group, e);
        }
    }
}

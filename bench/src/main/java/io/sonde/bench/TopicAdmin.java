package io.sonde.bench;

import io.sonde.platform.kafka.KafkaConfig;
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
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

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
            return admin
                    .listOffsets(latest)
                    .all()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .values()
                    .stream()
                    .mapToLong(r -> r.offset())
                    .sum();
        } catch (ExecutionException | TimeoutException e) {
            throw new BenchException("cannot read end offsets of " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted reading offsets of " + topic, e);
        }
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

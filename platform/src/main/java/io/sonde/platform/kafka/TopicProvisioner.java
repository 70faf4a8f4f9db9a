package io.sonde.platform.kafka;

import java.lang.System.Logger.Level;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates Sonde's topics where they are missing. Every service calls it at start, so whichever
 * starts first creates them; existing topics are left as they are (an operator's choice of
 * partitions or retention wins).
 */
public final class TopicProvisioner {
    private static final System.Logger LOG = System.getLogger(TopicProvisioner.class.getName());
    private static final long TIMEOUT_SECONDS = 60;

    private TopicProvisioner() {}

    /**
     * Creates the given topics if absent; blocks until the cluster confirms.
     *
     * @throws KafkaException when the cluster cannot be reached in time
     */
    public static void ensure(KafkaConfig kafka, Collection<? extends Topic<?, ?>> topics) {
        List<NewTopic> wanted = topics.stream().map(t -> newTopic(t, kafka)).toList();
        try (Admin admin = Admin.create(kafka.adminProperties("sonde-provisioner"))) {
            Set<String> existing =
                    admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<NewTopic> missing =
                    wanted.stream().filter(t -> !existing.contains(t.name())).toList();
            if (missing.isEmpty()) {
                return;
            }
            create(admin, missing);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaException(
                    "cannot reach Kafka at " + kafka.bootstrapServers() + ": " + e, e);
        }
    }

    private static void create(Admin admin, List<NewTopic> missing)
            throws InterruptedException, TimeoutException, ExecutionException {
        try {
            admin.createTopics(missing).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            LOG.log(
                    Level.INFO,
                    () -> "created topics " + missing.stream().map(NewTopic::name).toList());
        } catch (ExecutionException e) {
            // Another service may have created them a moment before us.
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    private static NewTopic newTopic(Topic<?, ?> topic, KafkaConfig kafka) {
        Optional<Short> replication =
                kafka.replicationFactor() > 0
                        ? Optional.of(kafka.replicationFactor())
                        : Optional.empty();
        NewTopic t = new NewTopic(topic.name(), Optional.of(kafka.partitions()), replication);
        if (topic.compacted()) {
            t.configs(
                    Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        }
        return t;
    }
}

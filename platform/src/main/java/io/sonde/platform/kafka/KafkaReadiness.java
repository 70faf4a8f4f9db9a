package io.sonde.platform.kafka;

import io.sonde.platform.health.HealthCheck;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * Whether Kafka can serve this service now: every {@link #INTERVAL} it asks the cluster to describe
 * the topics the service reads or writes and is up only when that answer came within {@link
 * #TIMEOUT} and every partition has a leader. Kafka clients themselves never say that a broker has
 * gone (a producer queues, a consumer polls empty), so without this a service would report ready
 * while every write fails.
 *
 * <p>Threads: one daemon timer thread asks; {@link #check()} only reads the last answer, so a
 * health request never waits for Kafka.
 */
public final class KafkaReadiness implements AutoCloseable {
    /** How often the cluster is asked. */
    public static final Duration INTERVAL = Duration.ofSeconds(1);

    /** How long an answer may take before Kafka counts as unreachable. */
    public static final Duration TIMEOUT = Duration.ofSeconds(2);

    private static final System.Logger LOG = System.getLogger(KafkaReadiness.class.getName());

    private final Admin admin;
    private final List<String> topics;
    private final String bootstrapServers;
    private final String service;
    private final ScheduledExecutorService timer;
    private volatile Optional<String> problem = Optional.of("not checked yet");
    private volatile boolean closing;

    private KafkaReadiness(Admin admin, List<String> topics, String bootstrapServers, String name) {
        this.admin = admin;
        this.service = name;
        this.topics = topics;
        this.bootstrapServers = bootstrapServers;
        this.timer =
                Executors.newSingleThreadScheduledExecutor(
                        Thread.ofPlatform()
                                .daemon()
                                .name("sonde-kafka-readiness-" + name)
                                .factory());
    }

    /**
     * Starts asking at once and then every {@link #INTERVAL}.
     *
     * @param service names the admin client and the thread
     * @param topics full names of the topics the service depends on
     */
    public static KafkaReadiness start(
            KafkaConfig kafka, String service, Collection<String> topics) {
        Map<String, Object> props = kafka.adminProperties("sonde-" + service + "-readiness");
        KafkaReadiness readiness =
                new KafkaReadiness(
                        Admin.create(props),
                        List.copyOf(topics),
                        kafka.bootstrapServers(),
                        service);
        readiness.timer.scheduleWithFixedDelay(
                readiness::probe, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        return readiness;
    }

    /** The readiness check named {@code kafka}. */
    public HealthCheck check() {
        return new HealthCheck("kafka", () -> problem);
    }

    @Override
    public void close() {
        closing = true;
        timer.shutdownNow();
        admin.close(Duration.ofSeconds(1));
    }

    private void probe() {
        Optional<String> found = ask();
        if (closing) {
            return;
        }
        Optional<String> before = problem;
        problem = found;
        if (found.isPresent() && !found.equals(before)) {
            LOG.log(Level.WARNING, () -> service + ": Kafka not ready: " + found.get());
        } else if (found.isEmpty() && before.isPresent()) {
            LOG.log(Level.INFO, () -> service + ": Kafka ready at " + bootstrapServers);
        }
    }

    private Optional<String> ask() {
        DescribeTopicsOptions options =
                new DescribeTopicsOptions().timeoutMs((int) TIMEOUT.toMillis());
        try {
            Map<String, TopicDescription> found =
                    admin.describeTopics(topics, options)
                            .allTopicNames()
                            .get(TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS);
            return leaderless(found.values());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return Optional.of(
                    "no answer from Kafka at " + bootstrapServers + ": " + cause.getMessage());
        } catch (TimeoutException e) {
            return Optional.of(
                    "no answer from Kafka at " + bootstrapServers + " within " + TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("stopping");
        }
    }

    private static Optional<String> leaderless(Collection<TopicDescription> descriptions) {
        List<String> missing = new ArrayList<>();
        for (TopicDescription topic : descriptions) {
            for (TopicPartitionInfo p : topic.partitions()) {
                if (p.leader() == null || p.leader().isEmpty()) {
                    missing.add(topic.name() + "-" + p.partition());
                }
            }
        }
        return missing.isEmpty()
                ? Optional.empty()
                : Optional.of("partitions without a leader: " + missing);
    }
}

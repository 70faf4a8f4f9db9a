package io.sonde.bench;

import io.sonde.platform.kafka.KafkaConfig;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Option;

/**
 * {@code --kafka} and {@code --replication-factor}: a scenario measured on a running Kafka cluster
 * (the local cluster of {@code ./sonde cluster up}, say) instead of an embedded broker. Add it with
 * {@code @Mixin OnCluster cluster;}. On a cluster, the run's topics get a prefix of their own, so
 * that the cluster's Sonde services neither read them nor are counted in them, and {@link
 * #deleteTopics} removes them afterwards.
 */
public final class OnCluster {
    private static final long TIMEOUT_SECONDS = 60;

    @Option(
            names = "--kafka",
            paramLabel = "HOST:PORT[,...]",
            description =
                    "Measure on this running Kafka cluster instead of an embedded broker, e.g."
                            + " 127.0.0.1:18092 for the local cluster; the run's topics are"
                            + " deleted after it.")
    String kafka;

    @Option(
            names = "--replication-factor",
            defaultValue = "3",
            description = "Replicas of the run's topics with --kafka (default: ${DEFAULT-VALUE}).")
    short replicationFactor;

    // One run's topics: e.g. bench-ingest-k3x9a. (time-based, so that runs never share data).
    private final String run = Long.toString(System.currentTimeMillis() % 100_000_000L, 36);
    // The prefixes handed out: what deleteTopics removes, and nothing else.
    private final Set<String> prefixes = new HashSet<>();

    /** The cluster's bootstrap servers; empty without {@code --kafka}: an embedded broker. */
    public Optional<String> bootstrapServers() {
        return Optional.ofNullable(kafka);
    }

    public short replicationFactor() {
        return replicationFactor;
    }

    /** The prefix of every topic {@code scenario} creates on the cluster. */
    public String topicPrefix(String scenario) {
        String prefix = "bench-" + scenario + "-" + run + ".";
        prefixes.add(prefix);
        return prefix;
    }

    /** For the report: where the scenario ran. */
    public String describe() {
        return kafka == null
                ? "one embedded broker (replication 1)"
                : "the Kafka cluster at "
                        + kafka
                        + " (topics with replication "
                        + replicationFactor
                        + ")";
    }

    /**
     * Deletes the topics this run created on the cluster (those of the prefixes it handed out);
     * nothing without {@code --kafka}. A failure is reported on stderr, not thrown: it must not
     * hide the error that ended the run, if any.
     */
    public void deleteTopics() {
        if (kafka == null || prefixes.isEmpty()) {
            return;
        }
        try (Admin admin = Admin.create(KafkaConfig.of(kafka, "").adminProperties("sonde-bench"))) {
            Set<String> mine =
                    admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).stream()
                            .filter(t -> prefixes.stream().anyMatch(t::startsWith))
                            .collect(Collectors.toSet());
            admin.deleteTopics(mine).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            System.err.println(
                    "[bench] could not delete the topics " + prefixes + "* on " + kafka + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.err.println("[bench] interrupted deleting the topics " + prefixes + "*");
        }
    }
}

package io.sonde.testing;

import io.sonde.kafka.embedded.EmbeddedKafka;
import io.sonde.platform.observability.LogSetup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/** The broker of one test JVM, closed by JUnit when the root context closes. */
final class TestBroker implements AutoCloseable {
    private static final String KAFKA_IMAGE = "apache/kafka:4.1.0";

    private final String bootstrapServers;
    private final AutoCloseable external;
    private final Path dataDir;
    private EmbeddedKafka embedded;

    private TestBroker(String bootstrapServers, AutoCloseable external, Path dataDir) {
        this.bootstrapServers = bootstrapServers;
        this.external = external;
        this.dataDir = dataDir;
    }

    static TestBroker start() {
        // Kafka's INFO chatter would bury the test output.
        LogSetup.configure();
        String cluster = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        if (cluster != null && !cluster.isBlank()) {
            System.out.println("[sonde-test] using the Kafka cluster at " + cluster);
            return new TestBroker(cluster, () -> {}, null);
        }
        if ("testcontainers".equalsIgnoreCase(System.getenv("SONDE_TEST_KAFKA"))) {
            if (DockerClientFactory.instance().isDockerAvailable()) {
                KafkaContainer container = new KafkaContainer(KAFKA_IMAGE);
                container.start();
                return new TestBroker(container.getBootstrapServers(), container, null);
            }
            System.out.println(
                    "[sonde-test] SONDE_TEST_KAFKA=testcontainers but no Docker engine is"
                            + " reachable: using the in-process broker instead");
        }
        try {
            Path dir = Files.createTempDirectory("sonde-test-kafka");
            EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0);
            System.out.println("[sonde-test] in-process Kafka at " + kafka.bootstrapServers());
            TestBroker broker = new TestBroker(kafka.bootstrapServers(), () -> {}, dir);
            broker.embedded = kafka;
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    /** Control over the in-process broker; empty for an external one. */
    Optional<BrokerControl> control() {
        if (dataDir == null) {
            return Optional.empty();
        }
        return Optional.of(
                new BrokerControl() {
                    @Override
                    public void stop() {
                        synchronized (TestBroker.this) {
                            if (embedded != null) {
                                embedded.close();
                                embedded = null;
                            }
                        }
                    }

                    @Override
                    public void start() {
                        synchronized (TestBroker.this) {
                            if (embedded == null) {
                                embedded = EmbeddedKafka.start(dataDir, 0);
                            }
                        }
                    }
                });
    }

    @Override
    public synchronized void close() throws Exception {
        external.close();
        if (embedded != null) {
            embedded.close();
        }
        if (dataDir != null) {
            try (Stream<Path> files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}

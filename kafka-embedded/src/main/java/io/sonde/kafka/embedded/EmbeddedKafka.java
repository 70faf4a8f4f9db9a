package io.sonde.kafka.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node Kafka broker (KRaft combined mode: broker and controller in one) running
 * inside this JVM, for the demo and the tests. Not a mock: the same server code as a cluster node,
 * listening on 127.0.0.1 only.
 *
 * <p>The data directory survives restarts: a second start on the same directory keeps the cluster
 * id, the ports and every record.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final String PORTS_FILE = "sonde-embedded.properties";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaRaftServer server;
    private final int port;

    private EmbeddedKafka(KafkaRaftServer server, int port) {
        this.server = server;
        this.port = port;
    }

    /**
     * Starts a broker with its data in {@code dataDir}, listening on {@code port} (0 picks a free
     * one; a restart on the same directory reuses the port it had). Returns once the broker answers
     * requests.
     *
     * @throws EmbeddedKafkaException when the broker cannot start
     */
    public static EmbeddedKafka start(Path dataDir, int port) {
        try {
            Files.createDirectories(dataDir);
            Properties ports = loadPorts(dataDir, port);
            Path logDir = dataDir.resolve("kafka-logs");
            Properties props = serverProperties(ports, logDir);
            if (!Files.exists(logDir.resolve("meta.properties"))) {
                format(dataDir, props);
            }
            KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props), Time.SYSTEM);
            server.startup();
            EmbeddedKafka kafka =
                    new EmbeddedKafka(server, Integer.parseInt(ports.getProperty("port")));
            kafka.awaitReady();
            return kafka;
        } catch (IOException e) {
            throw new EmbeddedKafkaException(
                    "cannot prepare " + dataDir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new EmbeddedKafkaException(
                    "embedded Kafka failed to start: " + e.getMessage(), e);
        }
    }

    /** {@code 127.0.0.1:port}, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Stops the broker and waits until it has released its files and ports. */
    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }

    private void awaitReady() {
        try (Admin admin =
                Admin.create(
                        Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            admin.describeCluster().nodes().get(READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedKafkaException("interrupted while waiting for the broker", e);
        } catch (Exception e) {
            throw new EmbeddedKafkaException("broker did not become ready: " + e.getMessage(), e);
        }
    }

    private static Properties serverProperties(Properties ports, Path logDir) {
        String port = ports.getProperty("port");
        String controllerPort = ports.getProperty("controller-port");
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
        p.put(
                "listeners",
                "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", logDir.toAbsolutePath().toString());
        // One node: every internal topic has one replica.
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        // Consumers and Streams join at once instead of waiting 3 s for peers that never come.
        p.put("group.initial.rebalance.delay.ms", "0");
        // Topics are created on purpose (with their settings), never by a typo in a consumer.
        p.put("auto.create.topics.enable", "false");
        return p;
    }

    private static void format(Path dataDir, Properties props) throws IOException {
        Path file = dataDir.resolve("server.properties");
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            props.store(w, "written by sonde for the embedded broker");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String clusterId = Uuid.randomUuid().toString();
        int rc =
                StorageTool.execute(
                        new String[] {
                            "format", "--standalone", "-t", clusterId, "-c", file.toString()
                        },
                        new PrintStream(out, true, StandardCharsets.UTF_8));
        if (rc != 0) {
            throw new EmbeddedKafkaException(
                    "formatting " + dataDir + " failed: " + out.toString(StandardCharsets.UTF_8));
        }
    }

    // The controller's address is written into the metadata log at format time, so a restart
    // must reuse the same ports: they are kept in a file next to the data.
    private static Properties loadPorts(Path dataDir, int port) throws IOException {
        Path file = dataDir.resolve(PORTS_FILE);
        Properties ports = new Properties();
        if (Files.exists(file)) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                ports.load(r);
            }
            if (port != 0) {
                ports.setProperty("port", Integer.toString(port));
            }
            return ports;
        }
        ports.setProperty("port", Integer.toString(port == 0 ? freePort() : port));
        ports.setProperty("controller-port", Integer.toString(freePort()));
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            ports.store(w, "ports of the embedded broker");
        }
        return ports;
    }

    /** A port nobody listens on right now, on 127.0.0.1. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

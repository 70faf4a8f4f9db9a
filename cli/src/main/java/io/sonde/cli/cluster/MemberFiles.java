package io.sonde.cli.cluster;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.stream.Collectors;
import kafka.tools.StorageTool;

/**
 * Each member's configuration file, written before its first start and kept: brokers get a KRaft
 * {@code server.properties} (broker and controller in one process, three voters, rack ids,
 * replication 3 with {@code min.insync.replicas=2}) and formatted storage; services get a flat
 * {@code .properties} file for {@code --config}.
 */
final class MemberFiles {
    // One cluster id for the three brokers' storage.
    private static final String CLUSTER_ID_FILE = "cluster.id";

    private final ClusterLayout layout;

    MemberFiles(ClusterLayout layout) {
        this.layout = layout;
    }

    /** Writes the member's configuration (and formats a broker's storage) unless it exists. */
    void prepare(Member m) throws IOException {
        Path config = layout.config(m);
        if (Files.exists(config) || m.kind() == Member.Kind.NGINX) {
            return;
        }
        Files.createDirectories(config.getParent());
        Files.createDirectories(layout.data(m));
        Properties p = m.kind() == Member.Kind.BROKER ? broker(m) : service(m);
        try (Writer w = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
            p.store(w, "written by ./sonde cluster for " + m.name());
        }
        if (m.kind() == Member.Kind.BROKER) {
            format(config);
        }
    }

    private Properties broker(Member m) {
        Properties p = new Properties();
        String voters =
                layout.members(Member.Kind.BROKER).stream()
                        .map(b -> b.index() + "@127.0.0.1:" + layout.controllerPort(b))
                        .collect(Collectors.joining(","));
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(m.index()));
        p.put("controller.quorum.voters", voters);
        p.put(
                "listeners",
                "PLAINTEXT://127.0.0.1:"
                        + m.port()
                        + ",CONTROLLER://127.0.0.1:"
                        + layout.controllerPort(m));
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + m.port());
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", layout.data(m).resolve("kafka-logs").toString());
        p.put("broker.rack", "rack-" + m.index());
        // Every write lands on three brokers and needs two: one broker may die at any time.
        p.put("default.replication.factor", "3");
        p.put("min.insync.replicas", "2");
        p.put("offsets.topic.replication.factor", "3");
        p.put("transaction.state.log.replication.factor", "3");
        p.put("transaction.state.log.min.isr", "2");
        p.put("share.coordinator.state.topic.replication.factor", "3");
        p.put("share.coordinator.state.topic.min.isr", "2");
        // A broker killed with -9 is noticed when its heartbeats stop: after 4 s instead of
        // Kafka's 9 s, so its partitions get new leaders (and producers are acked again) sooner.
        p.put("broker.session.timeout.ms", "4000");
        p.put("broker.heartbeat.interval.ms", "1000");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        // A small machine: fewer threads and smaller buffers than a production broker.
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("log.segment.bytes", String.valueOf(64 * 1024 * 1024));
        return p;
    }

    private Properties service(Member m) {
        Properties p = new Properties();
        p.put("server.host", "127.0.0.1");
        p.put("server.port", String.valueOf(m.port()));
        p.put("sonde.kafka.bootstrap-servers", layout.bootstrapServers());
        p.put("sonde.kafka.replication-factor", "3");
        p.put("sonde.auth.jwks", layout.keys().resolve("jwks.json").toString());
        switch (m.kind()) {
            case INGEST ->
                    // Stable across restarts: a restarted gateway fences its predecessor's
                    // open transaction at once instead of readers waiting for its timeout.
                    p.put("sonde.kafka.producer.transactional.id", "sonde-" + m.name());
            case PROCESSOR -> {
                p.put("sonde.stream.state-dir", layout.data(m).resolve("streams").toString());
                // A device cut off by a failover resends its reading up to a minute late; it
                // still counts (Sonde's default grace, 10 s, would drop it as late).
                p.put("sonde.stream.grace", "60s");
                p.put("sonde.stream.advertised-host", "127.0.0.1");
            }
            case PUSH -> p.put("sonde.push.processor-url", "http://127.0.0.1:" + layout.apiPort());
            default -> throw new IllegalArgumentException("not a service: " + m);
        }
        return p;
    }

    private void format(Path config) throws IOException {
        Path idFile = layout.dir().resolve(CLUSTER_ID_FILE);
        if (!Files.exists(idFile)) {
            Files.writeString(idFile, org.apache.kafka.common.Uuid.randomUuid().toString());
        }
        String clusterId = Files.readString(idFile).strip();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc =
                StorageTool.execute(
                        new String[] {"format", "-t", clusterId, "-c", config.toString()},
                        new PrintStream(out, true, StandardCharsets.UTF_8));
        if (rc != 0) {
            throw new IOException(
                    "formatting the storage of "
                            + config
                            + " failed: "
                            + out.toString(StandardCharsets.UTF_8));
        }
    }
}

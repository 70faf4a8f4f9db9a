package io.sonde.bench.connections;

import io.sonde.bench.BenchException;
import io.sonde.bench.MetricsScrape;
import io.sonde.ingest.IngestGatewayMain;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One ingest gateway in its own JVM ({@code IngestGatewayMain --config FILE}), configured for an
 * idle-connection test: a free port on 127.0.0.1, the bench's broker and keys, a connection limit
 * far above the test's, and an idle timeout longer than the test, so that only the gateway's
 * detection of dropped peers (not its idle sweep) can bring the session count back to 0.
 */
public final class IngestGatewayJvm implements AutoCloseable {
    /** The gateway's gauge of live device connections, in Prometheus naming. */
    public static final String CONNECTIONS_GAUGE = "sonde_ingest_connections";

    static final Duration IDLE_TIMEOUT = Duration.ofHours(1);
    static final Duration PING_INTERVAL = Duration.ofSeconds(20);
    private static final int MAX_CONNECTIONS = 1_000_000;
    private static final int BACKLOG = 4096;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final ServiceJvm jvm;
    private final int port;
    private final MetricsScrape metrics;

    private IngestGatewayJvm(ServiceJvm jvm, int port) {
        this.jvm = jvm;
        this.port = port;
        this.metrics =
                new MetricsScrape(URI.create("http://127.0.0.1:" + port + "/observe/metrics"));
    }

    /** Writes the config to {@code dir}, starts the gateway and waits until it is healthy. */
    public static IngestGatewayJvm start(
            Path dir, String bootstrapServers, Path jwks, List<String> jvmFlags) {
        int port = freePort();
        String yaml =
                """
                server:
                  port: %d
                  host: 127.0.0.1
                  backlog: %d
                  idle-connection-timeout: %s
                sonde:
                  kafka:
                    bootstrap-servers: %s
                    topic-prefix: bench-connections.
                    partitions: 1
                    replication-factor: 1
                  auth:
                    jwks: %s
                  ingest:
                    max-connections: %d
                    idle-timeout: %s
                    ping-interval: %s
                """
                        .formatted(
                                port,
                                BACKLOG,
                                IDLE_TIMEOUT,
                                bootstrapServers,
                                jwks.toAbsolutePath(),
                                MAX_CONNECTIONS,
                                IDLE_TIMEOUT,
                                PING_INTERVAL);
        try {
            Path config = Files.writeString(dir.resolve("ingest-gateway.yaml"), yaml);
            ServiceJvm jvm =
                    ServiceJvm.start(
                            IngestGatewayMain.class.getName(),
                            jvmFlags,
                            List.of("--config", config.toString()),
                            dir.resolve("ingest-gateway.log"));
            IngestGatewayJvm gateway = new IngestGatewayJvm(jvm, port);
            try {
                jvm.awaitHealthy(
                        URI.create("http://127.0.0.1:" + port + "/observe/health"), START_TIMEOUT);
            } catch (RuntimeException e) {
                gateway.close();
                throw e;
            }
            return gateway;
        } catch (IOException e) {
            throw new BenchException("cannot write the gateway config in " + dir, e);
        }
    }

    public URI ingestUri() {
        return URI.create("ws://127.0.0.1:" + port + "/v1/ingest");
    }

    public ServiceJvm jvm() {
        return jvm;
    }

    public MetricsScrape metrics() {
        return metrics;
    }

    /**
     * Live connections as the gateway's own gauge counts them; NaN when the gauge has lost its
     * state object (Micrometer holds it weakly, and the gateway keeps no other reference).
     */
    public double connectionsGauge() {
        return metrics.value(CONNECTIONS_GAUGE);
    }

    @Override
    public void close() {
        jvm.close();
    }

    /** A port free now on 127.0.0.1 (the child binds it a moment later). */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new BenchException("no free port", e);
        }
    }
}

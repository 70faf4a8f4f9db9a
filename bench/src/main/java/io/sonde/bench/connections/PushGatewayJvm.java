package io.sonde.bench.connections;

import io.sonde.bench.BenchException;
import io.sonde.push.PushGatewayMain;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One push gateway in its own JVM ({@code PushGatewayMain --config FILE}) on the bench's broker: a
 * free port on 127.0.0.1, the bench's keys, and a stream limit per token far above any bench's,
 * since every bench subscriber holds the same token (real dashboards hold their own).
 */
public final class PushGatewayJvm implements AutoCloseable {
    /** Heap and collector of the gateway under test, named in the results. */
    public static final List<String> JVM_FLAGS = List.of("-Xms512m", "-Xmx2g", "-XX:+UseG1GC");

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final ServiceJvm jvm;
    private final int port;

    private PushGatewayJvm(ServiceJvm jvm, int port) {
        this.jvm = jvm;
        this.port = port;
    }

    /**
     * Writes the config to {@code dir}, starts the gateway and waits until it is ready.
     *
     * @param topicPrefix the bench's topics, so that scenarios do not share data
     * @param partitions partitions of the topics the gateway creates
     * @param replicationFactor their replicas: 1 on an embedded broker
     */
    public static PushGatewayJvm start(
            Path dir,
            String bootstrapServers,
            Path jwks,
            String topicPrefix,
            int partitions,
            short replicationFactor) {
        int port = IngestGatewayJvm.freePort();
        String yaml =
                """
                server:
                  port: %d
                  host: 127.0.0.1
                  backlog: 4096
                sonde:
                  kafka:
                    bootstrap-servers: %s
                    topic-prefix: %s
                    partitions: %d
                    replication-factor: %d
                  auth:
                    jwks: %s
                  push:
                    max-streams-per-token: 100000
                """
                        .formatted(
                                port,
                                bootstrapServers,
                                topicPrefix,
                                partitions,
                                replicationFactor,
                                jwks.toAbsolutePath());
        try {
            Path config = Files.writeString(dir.resolve("push-gateway.yaml"), yaml);
            ServiceJvm jvm =
                    ServiceJvm.start(
                            PushGatewayMain.class.getName(),
                            JVM_FLAGS,
                            List.of("--config", config.toString()),
                            dir.resolve("push-gateway.log"));
            try {
                jvm.awaitHealthy(
                        URI.create("http://127.0.0.1:" + port + "/observe/health"), START_TIMEOUT);
            } catch (RuntimeException e) {
                jvm.close();
                throw e;
            }
            return new PushGatewayJvm(jvm, port);
        } catch (IOException e) {
            throw new BenchException("cannot write the push gateway config in " + dir, e);
        }
    }

    /** {@code http://127.0.0.1:PORT} + {@code pathAndQuery}. */
    public URI http(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    /** {@code ws://127.0.0.1:PORT} + {@code pathAndQuery}. */
    public URI ws(String pathAndQuery) {
        return URI.create("ws://127.0.0.1:" + port + pathAndQuery);
    }

    public ServiceJvm jvm() {
        return jvm;
    }

    /** CPU time the gateway process has used so far, in nanoseconds; -1 when unknown. */
    public long cpuNanos() {
        return ProcessHandle.of(jvm.pid())
                .flatMap(p -> p.info().totalCpuDuration())
                .map(Duration::toNanos)
                .orElse(-1L);
    }

    @Override
    public void close() {
        jvm.close();
    }
}

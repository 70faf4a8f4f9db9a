package io.sonde.bench.fanout;

import io.sonde.bench.connections.IngestGatewayJvm;
import io.sonde.bench.connections.ServiceJvm;
import io.sonde.devtools.TokenIssuer;
import io.sonde.platform.kafka.KafkaConfig;
import io.sonde.proto.v1.TelemetryRecord;
import io.sonde.push.PushGatewayMain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Our side: the push gateway in its own JVM ({@code PushGatewayMain --config FILE}) on the bench's
 * broker; the publisher produces telemetry records for one device to the telemetry topic (as the
 * ingest gateway would), subscribers follow {@code telemetry:DEVICE} without snapshot, over SSE or
 * over WebSocket ({@link #over}): one gateway JVM serves both.
 */
final class PushTarget implements AutoCloseable {
    /** The gateway's streaming transports under test. */
    enum Transport {
        SSE,
        WS
    }

    static final List<String> JVM_FLAGS = List.of("-Xms512m", "-Xmx2g", "-XX:+UseG1GC");
    private static final String TOPIC_PREFIX = "bench-fanout.";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final String SUBSCRIBE_OP =
            "{\"op\":\"subscribe\",\"channel\":\"telemetry:"
                    + Payloads.DEVICE
                    + "\",\"snapshot\":false}";

    private final ServiceJvm jvm;
    private final URI events;
    private final URI ws;
    private final String token;
    private final String bootstrapServers;
    private final String topic;

    private PushTarget(ServiceJvm jvm, int port, String token, String bootstrapServers) {
        this.jvm = jvm;
        this.events =
                URI.create(
                        "http://127.0.0.1:"
                                + port
                                + "/v1/events?channel=telemetry:"
                                + Payloads.DEVICE
                                + "&snapshot=false");
        this.ws = URI.create("ws://127.0.0.1:" + port + "/v1/ws?access_token=" + token);
        this.token = token;
        this.bootstrapServers = bootstrapServers;
        this.topic = KafkaConfig.of(bootstrapServers, TOPIC_PREFIX).topics().telemetry().name();
    }

    static PushTarget start(Path dir, String bootstrapServers, Path jwks, TokenIssuer issuer) {
        int port = IngestGatewayJvm.freePort();
        String yaml =
                """
                server:
                  port: %d
                  host: 127.0.0.1
                sonde:
                  kafka:
                    bootstrap-servers: %s
                    topic-prefix: %s
                    partitions: 1
                    replication-factor: 1
                  auth:
                    jwks: %s
                  push:
                    # Every bench subscriber holds the same token; real dashboards hold their own.
                    max-streams-per-token: 100000
                """
                        .formatted(port, bootstrapServers, TOPIC_PREFIX, jwks.toAbsolutePath());
        try {
            Path config = Files.writeString(dir.resolve("push-gateway.yaml"), yaml);
            ServiceJvm jvm =
                    ServiceJvm.start(
                            PushGatewayMain.class.getName(),
                            JVM_FLAGS,
                            List.of("--config", config.toString()),
                            dir.resolve("push-gateway.log"));
            String token =
                    issuer.viewer(
                            "bench-fanout", List.of("telemetry:*"), false, Duration.ofHours(2));
            PushTarget target = new PushTarget(jvm, port, token, bootstrapServers);
            try {
                jvm.awaitHealthy(
                        URI.create("http://127.0.0.1:" + port + "/observe/health"), START_TIMEOUT);
            } catch (RuntimeException e) {
                jvm.close();
                throw e;
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the push gateway config", e);
        }
    }

    ServiceJvm jvm() {
        return jvm;
    }

    /** The gateway as a fan-out target over {@code transport}; closing it leaves the JVM up. */
    FanoutTarget over(Transport transport) {
        return new FanoutTarget() {
            @Override
            public String name() {
                return "push-gateway (" + transport.name().toLowerCase(java.util.Locale.ROOT) + ")";
            }

            @Override
            public Subscribers subscribe(int count, Deliveries sink) {
                return switch (transport) {
                    case SSE -> NettySubscribers.sse(events, token, count, sink);
                    case WS -> NettySubscribers.webSocket(ws, SUBSCRIBE_OP, count, sink);
                };
            }

            @Override
            public Publisher publisher() {
                return new KafkaPublisher();
            }

            @Override
            public long serverCpuNanos() {
                return ProcessHandle.of(jvm.pid())
                        .flatMap(p -> p.info().totalCpuDuration())
                        .map(Duration::toNanos)
                        .orElse(-1L);
            }

            @Override
            public void close() {}
        };
    }

    @Override
    public void close() {
        jvm.close();
    }

    /**
     * Produces one telemetry record per message, as the ingest gateway writes them: key = device
     * id, value = {@code TelemetryRecord}. No linger, so each record leaves at once.
     */
    private final class KafkaPublisher implements Publisher {
        private final KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(
                        Map.of(
                                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                bootstrapServers,
                                ProducerConfig.ACKS_CONFIG,
                                "1",
                                ProducerConfig.LINGER_MS_CONFIG,
                                0,
                                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                                ByteArraySerializer.class,
                                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                                ByteArraySerializer.class));
        private final byte[] key = Payloads.DEVICE.getBytes(StandardCharsets.UTF_8);
        private final LongAdder failed = new LongAdder();

        @Override
        public void publish(long seq, long intendedNanos) {
            long now = System.currentTimeMillis() * 1_000_000L;
            TelemetryRecord record =
                    TelemetryRecord.newBuilder()
                            .setDeviceId(Payloads.DEVICE)
                            .setSeq(seq)
                            .setTimeUnixNano(now)
                            .setReceivedUnixNano(now)
                            .putMetrics("value", 21.5)
                            .putAttributes("sent", Long.toString(intendedNanos))
                            .build();
            producer.send(
                    new ProducerRecord<>(topic, key, record.toByteArray()),
                    (meta, e) -> {
                        if (e != null) {
                            failed.increment();
                        }
                    });
        }

        @Override
        public long failed() {
            return failed.sum();
        }

        @Override
        public void close() {
            producer.close(Duration.ofSeconds(10));
        }
    }
}

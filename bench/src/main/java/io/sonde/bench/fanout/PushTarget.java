package io.sonde.bench.fanout;

import io.sonde.bench.connections.PushGatewayJvm;
import io.sonde.bench.connections.ServiceJvm;
import io.sonde.devtools.TokenIssuer;
import io.sonde.platform.kafka.KafkaConfig;
import io.sonde.proto.v1.TelemetryRecord;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
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

    private static final String SUBSCRIBE_OP =
            "{\"op\":\"subscribe\",\"channel\":\"telemetry:"
                    + Payloads.DEVICE
                    + "\",\"snapshot\":false}";

    private final PushGatewayJvm gateway;
    private final URI events;
    private final URI ws;
    private final String token;
    private final Broker broker;
    private final String topic;

    /**
     * The broker the gateway reads: its address, the prefix and replicas of the topics the gateway
     * creates (one partition), and what to release once the gateway has stopped.
     */
    record Broker(
            String bootstrapServers,
            String topicPrefix,
            short replicationFactor,
            Runnable release) {}

    private PushTarget(PushGatewayJvm gateway, String token, Broker broker) {
        this.gateway = gateway;
        this.events =
                gateway.http("/v1/events?channel=telemetry:" + Payloads.DEVICE + "&snapshot=false");
        this.ws = gateway.ws("/v1/ws?access_token=" + token);
        this.token = token;
        this.broker = broker;
        this.topic =
                KafkaConfig.of(broker.bootstrapServers(), broker.topicPrefix())
                        .topics()
                        .telemetry()
                        .name();
    }

    /** Starts the gateway on {@code broker}; on failure releases the broker and throws. */
    static PushTarget start(Path dir, Broker broker, Path jwks, TokenIssuer issuer) {
        try {
            PushGatewayJvm gateway =
                    PushGatewayJvm.start(
                            dir,
                            broker.bootstrapServers(),
                            jwks,
                            broker.topicPrefix(),
                            1,
                            broker.replicationFactor());
            String token =
                    issuer.viewer(
                            "bench-fanout", List.of("telemetry:*"), false, Duration.ofHours(2));
            return new PushTarget(gateway, token, broker);
        } catch (RuntimeException e) {
            broker.release().run();
            throw e;
        }
    }

    ServiceJvm jvm() {
        return gateway.jvm();
    }

    /** The gateway as a fan-out target over {@code transport}; closing it leaves the JVM up. */
    FanoutTarget over(Transport transport) {
        return new FanoutTarget() {
            @Override
            public String name() {
                return "push-gateway (" + transport.name().toLowerCase(Locale.ROOT) + ")";
            }

            @Override
            public StreamSubscribers.Opener subscriber() {
                return switch (transport) {
                    case SSE -> StreamSubscribers.sse(events, token);
                    case WS -> StreamSubscribers.webSocket(ws, SUBSCRIBE_OP);
                };
            }

            @Override
            public Publisher publisher() {
                return new KafkaPublisher();
            }

            @Override
            public long serverCpuNanos() {
                return gateway.cpuNanos();
            }

            @Override
            public void close() {}
        };
    }

    @Override
    public void close() {
        try {
            gateway.close();
        } finally {
            broker.release().run();
        }
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
                                broker.bootstrapServers(),
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

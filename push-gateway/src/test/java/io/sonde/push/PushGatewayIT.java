package io.sonde.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sonde.client.push.SseClient;
import io.sonde.devtools.DevKeys;
import io.sonde.platform.config.ServiceConfig;
import io.sonde.platform.kafka.KafkaConfig;
import io.sonde.platform.kafka.Topic;
import io.sonde.platform.kafka.TopicProvisioner;
import io.sonde.platform.service.Service;
import io.sonde.proto.v1.Aggregate;
import io.sonde.proto.v1.DeviceState;
import io.sonde.proto.v1.TelemetryRecord;
import io.sonde.push.hub.Cursor;
import io.sonde.push.hub.Log;
import io.sonde.testing.Metrics;
import io.sonde.testing.SharedKafka;
import io.sonde.testing.SseRecording;
import io.sonde.testing.TestClients;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The whole gateway against a real broker: records in, SSE events out. */
@ExtendWith(SharedKafka.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PushGatewayIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void snapshotThenLiveEventsFromKafkaWithCursorIds(KafkaConfig kafka) throws Exception {
        DevKeys keys = DevKeys.loadOrCreate(dir.resolve("keys"));
        TopicProvisioner.ensure(kafka, kafka.topics().all());
        try (KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
            send(producer, kafka.topics().deviceState(), "dev-1", state("dev-1", 20.0, 1_000));
            send(producer, kafka.topics().deviceState(), "dev-2", state("dev-2", 30.0, 2_000));
        }

        try (Service gateway = PushGatewayMain.start(config(kafka, keys));
                KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
            awaitHealthy(gateway);
            String token =
                    keys.issuer()
                            .viewer(
                                    "it",
                                    List.of("devices", "telemetry:*", "aggregates:*"),
                                    false,
                                    Duration.ofMinutes(5));
            SseRecording client =
                    sse(events(gateway, token, "devices", "telemetry:dev-1", "aggregates:dev-1"));
            assertThat(client.status()).isEqualTo(200);

            // Snapshot: every device, from the compacted topic read from its beginning.
            await().atMost(WAIT).until(() -> client.events("device").size() == 2);
            assertThat(client.events("device"))
                    .extracting(e -> json(e.data()).get("deviceId").asText())
                    .containsExactly("dev-1", "dev-2");
            JsonNode dev1 = json(client.events("device").get(0).data());
            assertThat(dev1.get("online").asBoolean()).isTrue();
            assertThat(dev1.get("lastSeen").asLong()).isEqualTo(1_000);
            assertThat(dev1.get("metrics").get("temperature").asDouble()).isEqualTo(20.0);

            // Live: one record on each topic.
            send(producer, kafka.topics().telemetry(), "dev-1", reading("dev-1", 1, 21.5));
            send(producer, kafka.topics().aggregates(), "dev-1/temperature/10s", window("dev-1"));
            send(producer, kafka.topics().deviceState(), "dev-1", state("dev-1", 21.5, 5_000));
            send(producer, kafka.topics().telemetry(), "dev-2", reading("dev-2", 1, 99.0));
            producer.flush();

            await().atMost(WAIT)
                    .until(() ->
                            client.events("telemetry").size() == 1
                                    && client.events("aggregate").size() == 1
                                    && client.events("device").size() == 3);
            JsonNode telemetry = json(client.events("telemetry").get(0).data());
            assertThat(telemetry.get("deviceId").asText()).isEqualTo("dev-1");
            assertThat(telemetry.get("seq").asLong()).isEqualTo(1);
            assertThat(telemetry.get("time").asLong()).isEqualTo(1_700_000_000_000L);
            assertThat(telemetry.get("metrics").get("temperature").asDouble()).isEqualTo(21.5);
            JsonNode aggregate = json(client.events("aggregate").get(0).data());
            assertThat(aggregate.get("window").asText()).isEqualTo("10s");
            assertThat(aggregate.get("mean").asDouble()).isEqualTo(21.0);
            assertThat(json(client.events("device").get(2).data()).get("lastSeen").asLong())
                    .isEqualTo(5_000);
            assertThat(client.events())
                    .allSatisfy(e -> assertThat(Cursor.parse(e.id().orElseThrow())).isPresent());
            assertThat(
                            Cursor.parse(client.events("telemetry").get(0).id().orElseThrow())
                                    .orElseThrow()
                                    .logs())
                    // One stream, one cursor: it names a position in every log the stream reads.
                    .containsExactlyInAnyOrder(Log.TELEMETRY, Log.AGGREGATES, Log.DEVICE_STATE);

            // A later subscriber's snapshot holds the latest reading and window of the device.
            SseRecording late = sse(events(gateway, token, "telemetry:dev-1", "aggregates:dev-1"));
            await().atMost(WAIT).until(() -> late.events().size() == 2);
            assertThat(late.events())
                    .extracting(SseClient.Event::event)
                    .containsExactlyInAnyOrder("telemetry", "aggregate");

            HttpResponse<String> devices =
                    http.send(
                            HttpRequest.newBuilder(uri(gateway, "/v1/devices"))
                                    .header("Authorization", "Bearer " + token)
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(json(devices.body())).hasSize(2);

            client.close();
            late.close();
            await().atMost(WAIT).until(() -> sessions(gateway) == 0.0);
            assertThat(metrics(gateway))
                    .containsPattern("sonde_push_sessions\\{[^}]*transport=\"sse\"} 0\\.0");
        }
    }

    @Test
    void oneConsumerPerTopicHoweverManyClients(KafkaConfig kafka) throws Exception {
        DevKeys keys = DevKeys.loadOrCreate(dir.resolve("keys"));
        try (Service gateway = PushGatewayMain.start(config(kafka, keys))) {
            awaitHealthy(gateway);
            String token = keys.issuer().viewer("it", List.of("*"), false, Duration.ofMinutes(5));
            List<SseRecording> clients = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                clients.add(sse(events(gateway, token, "telemetry:dev-" + i)));
            }
            await().atMost(WAIT).until(() -> sessions(gateway) == 20.0);

            assertThat(consumerThreads()).hasSize(4);
            for (SseRecording client : clients) {
                client.close();
            }
            await().atMost(WAIT).until(() -> sessions(gateway) == 0.0);
        }
        assertThat(consumerThreads()).isEmpty();
    }

    private SseRecording sse(URI uri) {
        return SseRecording.open(SseClient.to(uri).http(http));
    }

    private static double sessions(Service gateway) {
        return Metrics.sum(gateway.port(), "sonde_push_sessions");
    }

    private static List<String> consumerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .map(Thread::getName)
                .filter(n -> n.startsWith("sonde-push-consumer-"))
                .toList();
    }

    private static io.helidon.config.Config config(KafkaConfig kafka, DevKeys keys) {
        return ServiceConfig.of(PushGatewayMain.SERVICE)
                .flags(
                        Map.of(
                                "server.port", "0",
                                "server.host", "127.0.0.1",
                                "sonde.kafka.bootstrap-servers", kafka.bootstrapServers(),
                                "sonde.kafka.topic-prefix", kafka.topicPrefix(),
                                "sonde.kafka.partitions", "3",
                                "sonde.kafka.replication-factor", "1",
                                "sonde.auth.jwks", keys.jwksFile().toString(),
                                "sonde.push.heartbeat", "500ms"))
                .load();
    }

    private void awaitHealthy(Service gateway) {
        await().atMost(WAIT)
                .ignoreExceptions()
                .until(() ->
                        http.send(
                                                HttpRequest.newBuilder(
                                                                uri(gateway, "/observe/health"))
                                                        .build(),
                                                HttpResponse.BodyHandlers.ofString())
                                        .statusCode()
                                == 200);
    }

    private String metrics(Service gateway) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(uri(gateway, "/observe/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    private static URI uri(Service gateway, String path) {
        return URI.create("http://127.0.0.1:" + gateway.port() + path);
    }

    private static URI events(Service gateway, String token, String... channels) {
        StringBuilder sb = new StringBuilder("/v1/events?access_token=").append(token);
        for (String channel : channels) {
            sb.append("&channel=").append(URLEncoder.encode(channel, StandardCharsets.UTF_8));
        }
        return uri(gateway, sb.toString());
    }

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    private static KafkaProducer<byte[], byte[]> producer(KafkaConfig kafka) {
        return new KafkaProducer<>(TestClients.producer(kafka, "push-it"));
    }

    private static <V> void send(
            KafkaProducer<byte[], byte[]> producer, Topic<String, V> topic, String key, V value)
            throws Exception {
        byte[] k = topic.keySerde().serializer().serialize(topic.name(), key);
        byte[] v = topic.valueSerde().serializer().serialize(topic.name(), value);
        producer.send(new ProducerRecord<>(topic.name(), k, v)).get(30, TimeUnit.SECONDS);
    }

    private static DeviceState state(String id, double temperature, long lastSeen) {
        return DeviceState.newBuilder()
                .setDeviceId(id)
                .setOnline(true)
                .setLastSeenMs(lastSeen)
                .putMetrics("temperature", temperature)
                .build();
    }

    private static TelemetryRecord reading(String id, long seq, double temperature) {
        return TelemetryRecord.newBuilder()
                .setDeviceId(id)
                .setSeq(seq)
                .setTimeUnixNano(1_700_000_000_000L * 1_000_000L)
                .setReceivedUnixNano(1_700_000_000_001L * 1_000_000L)
                .putMetrics("temperature", temperature)
                .build();
    }

    private static Aggregate window(String id) {
        return Aggregate.newBuilder()
                .setDeviceId(id)
                .setMetric("temperature")
                .setWindow("10s")
                .setStartMs(1_700_000_000_000L)
                .setEndMs(1_700_000_010_000L)
                .setCount(2)
                .setMin(20.5)
                .setMax(21.5)
                .setSum(42.0)
                .setLast(21.5)
                .setRevision(2)
                .build();
    }
}

package io.sonde.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sonde.devtools.DevKeys;
import io.sonde.devtools.TokenIssuer;
import io.sonde.platform.config.ServiceConfig;
import io.sonde.platform.kafka.KafkaConfig;
import io.sonde.platform.service.Service;
import io.sonde.proto.v1.TelemetryRecord;
import io.sonde.testing.ServiceOverrides;
import io.sonde.testing.SharedKafka;
import io.sonde.testing.TestClients;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two processor instances share the partitions; the state queries answer for every device from
 * either, and a rule changed through one applies on both.
 */
@ExtendWith(SharedKafka.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class StreamQueriesIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DEVICES = 12;

    @TempDir Path dir;
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void eitherInstanceAnswersForEveryDeviceAndRulesApplyEverywhere(KafkaConfig kafka)
            throws Exception {
        DevKeys keys = DevKeys.loadOrCreate(dir.resolve("keys"));
        TokenIssuer issuer = keys.issuer();
        String viewer = issuer.viewer("it", List.of("*"), false, Duration.ofMinutes(10));
        String admin = issuer.viewer("it", List.of("*"), true, Duration.ofMinutes(10));
        String app = "queries-" + UUID.randomUUID();
        try (Service a = start(kafka, keys, app, "a");
                Service b = start(kafka, keys, app, "b");
                KafkaProducer<byte[], byte[]> producer =
                        new KafkaProducer<>(TestClients.producer(kafka, "queries-it"))) {
            await().atMost(WAIT).until(() -> a.readiness().up() && b.readiness().up());
            long now = System.currentTimeMillis();
            for (int d = 0; d < DEVICES; d++) {
                send(producer, kafka, "q-" + d, 1, now, 20.0 + d);
            }
            for (Service s : List.of(a, b)) {
                await().atMost(WAIT)
                        .untilAsserted(() ->
                                assertThat(json(get(s, "/v1/devices", viewer))).hasSize(DEVICES));
                for (int d = 0; d < DEVICES; d++) {
                    JsonNode device = json(get(s, "/v1/devices/q-" + d, viewer));
                    assertThat(device.get("metrics").get("t").asDouble()).isEqualTo(20.0 + d);
                    JsonNode windows =
                            json(
                                    get(
                                            s,
                                            "/v1/devices/q-"
                                                    + d
                                                    + "/aggregates?window=10s&metric=t",
                                            viewer));
                    assertThat(windows).hasSize(1);
                    assertThat(windows.get(0).get("count").asLong()).isEqualTo(1);
                }
                assertThat(get(s, "/v1/devices/nobody", viewer).statusCode()).isEqualTo(404);
            }

            HttpResponse<String> put =
                    put(
                            a,
                            "/v1/rules/hot",
                            "{\"metric\":\"t\",\"op\":\">\",\"threshold\":25,\"severity\":\"major\"}",
                            admin);
            assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
            assertThat(json(get(b, "/v1/rules", viewer)).findValuesAsText("id")).contains("hot");
            for (int d = 0; d < DEVICES; d++) {
                send(producer, kafka, "q-" + d, 2, now + 1_000, 20.0 + d);
            }
            long hot =
                    java.util.stream.IntStream.range(0, DEVICES).filter(d -> 20.0 + d > 25).count();
            for (Service s : List.of(a, b)) {
                await().atMost(WAIT)
                        .untilAsserted(() ->
                                assertThat(json(get(s, "/v1/alerts?state=active", viewer)))
                                        .hasSize((int) hot));
            }

            assertThat(del(b, "/v1/rules/hot", admin).statusCode()).isEqualTo(204);
            for (Service s : List.of(a, b)) {
                await().atMost(WAIT)
                        .untilAsserted(() -> {
                            assertThat(json(get(s, "/v1/alerts?state=active", viewer))).isEmpty();
                            assertThat(json(get(s, "/v1/alerts?state=cleared", viewer)))
                                    .hasSize((int) hot);
                        });
            }
        }
    }

    private Service start(KafkaConfig kafka, DevKeys keys, String app, String name) {
        Map<String, String> flags = new HashMap<>(ServiceOverrides.of(kafka, keys.jwksFile()));
        flags.put("sonde.stream.application-id", app);
        flags.put("sonde.stream.state-dir", dir.resolve(name).toString());
        return StreamProcessorMain.start(
                ServiceConfig.of(StreamProcessorMain.SERVICE).flags(flags).load());
    }

    private static void send(
            KafkaProducer<byte[], byte[]> producer,
            KafkaConfig kafka,
            String device,
            long seq,
            long t,
            double v)
            throws Exception {
        TelemetryRecord r =
                TelemetryRecord.newBuilder()
                        .setDeviceId(device)
                        .setSeq(seq)
                        .setTimeUnixNano(t * 1_000_000)
                        .setReceivedUnixNano(t * 1_000_000)
                        .putMetrics("t", v)
                        .build();
        producer.send(
                        new ProducerRecord<>(
                                kafka.topics().telemetry().name(),
                                device.getBytes(StandardCharsets.UTF_8),
                                r.toByteArray()))
                .get();
    }

    private HttpResponse<String> get(Service s, String path, String token) throws Exception {
        return http.send(
                request(s, path, token).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> put(Service s, String path, String body, String token)
            throws Exception {
        return http.send(
                request(s, path, token).PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> del(Service s, String path, String token) throws Exception {
        return http.send(
                request(s, path, token).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder request(Service s, String path, String token) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path))
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(20));
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}

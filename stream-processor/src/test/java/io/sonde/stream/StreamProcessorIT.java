package io.sonde.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sonde.devtools.DevKeys;
import io.sonde.platform.config.ServiceConfig;
import io.sonde.platform.kafka.KafkaConfig;
import io.sonde.platform.kafka.Topic;
import io.sonde.platform.kafka.Topics;
import io.sonde.platform.service.Service;
import io.sonde.proto.v1.Aggregate;
import io.sonde.proto.v1.DeviceState;
import io.sonde.proto.v1.TelemetryRecord;
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
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(SharedKafka.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class StreamProcessorIT {
    private static final String DEVICE = "dev-it";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void turnsTelemetryIntoAggregatesAndDeviceStateCountingEachReadingOnceAcrossRestarts(
            KafkaConfig kafka) throws Exception {
        Topics topics = kafka.topics();
        String applicationId = "sonde-it-" + UUID.randomUUID();
        // All readings in one 10 s window, a little in the past: nothing closes it during the test.
        long windowStart = System.currentTimeMillis() / 10_000 * 10_000;

        try (KafkaProducer<byte[], byte[]> producer =
                        new KafkaProducer<>(TestClients.producer(kafka, "it-producer"));
                Outputs outputs = new Outputs(kafka, topics)) {
            try (Service processor = start(kafka, applicationId, dir.resolve("first"))) {
                awaitHealthy(processor);
                send(producer, topics, 1, windowStart + 1, 20.0);
                send(producer, topics, 2, windowStart + 2, 30.0);
                send(producer, topics, 2, windowStart + 2, 30.0); // a gateway retry

                Aggregate aggregate = outputs.awaitAggregate("dev-it/temperature/10s", 2);
                assertThat(aggregate.getSum()).isEqualTo(50.0);
                assertThat(aggregate.getStartMs()).isEqualTo(windowStart);
                DeviceState state = outputs.awaitState(2);
                assertThat(state.getOnline()).isTrue();
                assertThat(state.getMetricsMap()).containsEntry("temperature", 30.0);
                await().atMost(WAIT)
                        .untilAsserted(() ->
                                assertThat(get(processor, "/observe/metrics").body())
                                        .containsPattern("sonde_stream_duplicates_total\\{.*} 1.0")
                                        .containsPattern("sonde_stream_dropped_total\\{.*} 0.0")
                                        .contains("kafka_stream_"));
            }

            // A fresh state directory: dedup state must come back from the changelog.
            try (Service processor = start(kafka, applicationId, dir.resolve("second"))) {
                awaitHealthy(processor);
                send(producer, topics, 2, windowStart + 2, 30.0); // resent after the restart
                send(producer, topics, 3, windowStart + 3, 40.0);

                Aggregate aggregate = outputs.awaitAggregate("dev-it/temperature/10s", 3);
                assertThat(aggregate.getSum()).isEqualTo(90.0);
                assertThat(outputs.awaitState(3).getMetricsMap())
                        .containsEntry("temperature", 40.0);
            }
        }
    }

    private static Service start(KafkaConfig kafka, String applicationId, Path stateDir) {
        return StreamProcessorMain.start(
                ServiceConfig.of(StreamProcessorMain.SERVICE)
                        .flags(overrides(kafka, applicationId, stateDir))
                        .load());
    }

    private static Map<String, String> overrides(
            KafkaConfig kafka, String applicationId, Path stateDir) {
        Map<String, String> overrides = new HashMap<>();
        overrides.put("server.port", "0");
        overrides.put("sonde.kafka.bootstrap-servers", kafka.bootstrapServers());
        overrides.put("sonde.kafka.topic-prefix", kafka.topicPrefix());
        overrides.put("sonde.kafka.partitions", String.valueOf(kafka.partitions()));
        overrides.put("sonde.kafka.replication-factor", String.valueOf(kafka.replicationFactor()));
        overrides.put("sonde.stream.application-id", applicationId);
        overrides.put("sonde.stream.state-dir", stateDir.toString());
        overrides.put(
                "sonde.auth.jwks",
                DevKeys.loadOrCreate(stateDir.resolveSibling("keys")).jwksFile().toString());
        return overrides;
    }

    private void awaitHealthy(Service processor) {
        await().atMost(WAIT)
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() ->
                        assertThat(get(processor, "/observe/health").statusCode()).isEqualTo(200));
    }

    private HttpResponse<String> get(Service processor, String path) throws Exception {
        HttpRequest request =
                HttpRequest.newBuilder(URI.create("http://localhost:" + processor.port() + path))
                        .timeout(Duration.ofSeconds(5))
                        .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static void send(
            KafkaProducer<byte[], byte[]> producer, Topics topics, long seq, long eventMs, double t)
            throws Exception {
        TelemetryRecord reading =
                TelemetryRecord.newBuilder()
                        .setDeviceId(DEVICE)
                        .setSeq(seq)
                        .setTimeUnixNano(eventMs * 1_000_000)
                        .setReceivedUnixNano(System.currentTimeMillis() * 1_000_000)
                        .putMetrics("temperature", t)
                        .build();
        producer.send(
                        new ProducerRecord<>(
                                topics.telemetry().name(),
                                DEVICE.getBytes(StandardCharsets.UTF_8),
                                reading.toByteArray()))
                .get();
    }

    /** Reads the aggregates and device-state topics from the start, keeping the latest per key. */
    private static final class Outputs implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Topic<String, Aggregate> aggregates;
        private final Topic<String, DeviceState> states;
        private final Map<String, Aggregate> latestAggregates = new HashMap<>();
        private DeviceState latestState = DeviceState.getDefaultInstance();

        Outputs(KafkaConfig kafka, Topics topics) {
            this.consumer = new KafkaConsumer<>(TestClients.consumer(kafka, "it-consumer"));
            this.aggregates = topics.aggregates();
            this.states = topics.deviceState();
        }

        Aggregate awaitAggregate(String key, long count) {
            await().atMost(WAIT)
                    .until(() -> {
                        poll();
                        Aggregate a = latestAggregates.get(key);
                        return a != null && a.getCount() == count;
                    });
            return latestAggregates.get(key);
        }

        DeviceState awaitState(long lastSeq) {
            await().atMost(WAIT)
                    .until(() -> {
                        poll();
                        return latestState.getLastSeq() == lastSeq;
                    });
            return latestState;
        }

        private void poll() {
            if (consumer.assignment().isEmpty()) {
                List<TopicPartition> partitions =
                        List.of(aggregates.name(), states.name()).stream()
                                .flatMap(t -> consumer.partitionsFor(t).stream())
                                .map(p -> new TopicPartition(p.topic(), p.partition()))
                                .toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                if (r.topic().equals(aggregates.name())) {
                    Aggregate a =
                            aggregates
                                    .valueSerde()
                                    .deserializer()
                                    .deserialize(r.topic(), r.value());
                    assertThat(new String(r.key(), StandardCharsets.UTF_8))
                            .as("aggregates are keyed by device")
                            .isEqualTo(a.getDeviceId());
                    String key = a.getDeviceId() + "/" + a.getMetric() + "/" + a.getWindow();
                    assertThat(a.getCount())
                            .as("a duplicate was counted in %s", key)
                            .isLessThanOrEqualTo(3);
                    latestAggregates.merge(
                            key,
                            a,
                            (old, now) -> now.getRevision() >= old.getRevision() ? now : old);
                } else {
                    latestState =
                            states.valueSerde().deserializer().deserialize(r.topic(), r.value());
                }
            }
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}

package io.sonde.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sonde.client.push.SseClient;
import io.sonde.platform.kafka.KafkaConfig;
import io.sonde.proto.v1.Reading;
import io.sonde.proto.v1.TelemetryBatch;
import io.sonde.proto.v1.Uplink;
import io.sonde.stack.LocalStack;
import io.sonde.stack.StackConfig;
import io.sonde.testing.SharedKafka;
import io.sonde.testing.SseRecording;
import io.sonde.testing.TestDevice;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline on a real broker: a device writes over WebSocket, the stream processor
 * aggregates, and a dashboard's SSE stream receives the raw readings, the window aggregate and the
 * device's state.
 */
@ExtendWith(SharedKafka.class)
@Timeout(180)
class PipelineIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void readingsTravelFromADeviceToADashboard(KafkaConfig kafka, @TempDir Path dir)
            throws Exception {
        StackConfig config = StackConfig.onCluster(dir, kafka);
        try (LocalStack stack = LocalStack.start(config)) {
            stack.startServices();
            String viewer =
                    stack.issuer()
                            .viewer(
                                    "it",
                                    List.of("telemetry:*", "aggregates:*", "devices"),
                                    false,
                                    Duration.ofMinutes(10));
            try (SseRecording sse =
                            SseRecording.open(
                                    stack.push().port(),
                                    viewer,
                                    "telemetry:dev-e2e",
                                    "aggregates:dev-e2e",
                                    "devices");
                    TestDevice device =
                            TestDevice.connect(
                                    stack.ingest().port(),
                                    stack.issuer().device("dev-e2e", Duration.ofMinutes(10)))) {
                assertThat(sse.status()).isEqualTo(200);
                long now = System.currentTimeMillis();
                device.send(batch(now, 1, 21.0, 2, 23.0, 3, 22.0));
                assertThat(device.next().getAck().getSeq()).isEqualTo(3);

                for (int seq = 1; seq <= 3; seq++) {
                    int s = seq;
                    SseClient.Event e =
                            sse.await(
                                    ev ->
                                            ev.event().equals("telemetry")
                                                    && json(ev).get("seq").asLong() == s,
                                    WAIT);
                    assertThat(json(e).get("deviceId").asText()).isEqualTo("dev-e2e");
                    assertThat(e.id()).hasValueSatisfying(id -> assertThat(id).isNotBlank());
                }
                JsonNode aggregate =
                        json(
                                sse.await(
                                        ev ->
                                                ev.event().equals("aggregate")
                                                        && json(ev).get("metric")
                                                                .asText()
                                                                .equals("temperature")
                                                        && json(ev).get("window")
                                                                .asText()
                                                                .equals("10s")
                                                        && json(ev).get("count").asLong() == 3,
                                        WAIT));
                assertThat(aggregate.get("min").asDouble()).isEqualTo(21.0);
                assertThat(aggregate.get("max").asDouble()).isEqualTo(23.0);
                assertThat(aggregate.get("sum").asDouble()).isEqualTo(66.0);
                assertThat(aggregate.get("mean").asDouble()).isEqualTo(22.0);
                JsonNode state =
                        json(
                                sse.await(
                                        ev ->
                                                ev.event().equals("device")
                                                        && json(ev).get("deviceId")
                                                                .asText()
                                                                .equals("dev-e2e")
                                                        && json(ev).get("metrics")
                                                                .has("temperature"),
                                        WAIT));
                assertThat(state.get("online").asBoolean()).isTrue();
            }
            assertThat(TestDevice.connect(stack.ingest().port(), "not-a-token").awaitClose())
                    .isEqualTo(1008);
        }
    }

    private static Uplink batch(long timeMs, Object... seqAndTemp) {
        TelemetryBatch.Builder b = TelemetryBatch.newBuilder();
        for (int i = 0; i < seqAndTemp.length; i += 2) {
            b.addReadings(
                    Reading.newBuilder()
                            .setSeq((Integer) seqAndTemp[i])
                            .setTimeUnixNano(timeMs * 1_000_000L)
                            .putMetrics("temperature", (Double) seqAndTemp[i + 1]));
        }
        return Uplink.newBuilder().setBatch(b).build();
    }

    private static JsonNode json(SseClient.Event e) {
        try {
            return JSON.readTree(e.data());
        } catch (Exception ex) {
            throw new AssertionError("event data is not JSON: " + e.data(), ex);
        }
    }
}

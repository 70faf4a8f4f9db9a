package io.sonde.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
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
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * One reading's trace across the whole stack on a real broker, exported through the SDK's
 * autoconfiguration as a deployment's would be (into memory here): the device's frame, the ingest
 * gateway's publish, the processor's process and alert raise, the push gateway's process, and the
 * pushed events' {@code traceparent}.
 */
@ExtendWith(SharedKafka.class)
@Timeout(180)
class TracingIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final AttributeKey<String> SERVICE = AttributeKey.stringKey("service.name");
    private static final String TRACE = "5bf92f3577b34da6a3ce929d0e0e4736";
    private static final String DEVICE_SPAN = "10f067aa0ba902b7";
    private static final String DEVICE = "dev-trace";

    @Test
    void aReadingIsOneTraceFromTheDevicesFrameToTheDashboardsEvents(
            KafkaConfig kafka, @TempDir Path dir) throws Exception {
        MemorySpanExporterProvider.SPANS.reset();
        try (LocalStack stack = tracedStack(kafka, dir)) {
            String viewer =
                    stack.issuer().viewer("it", List.of("telemetry:*", "alerts"), false, WAIT);
            String deviceToken = stack.issuer().device(DEVICE, WAIT);
            try (SseRecording sse =
                            SseRecording.open(
                                    stack.push().port(), viewer, "telemetry:" + DEVICE, "alerts");
                    TestDevice device = TestDevice.connect(stack.ingest().port(), deviceToken)) {
                assertThat(sse.status()).isEqualTo(200);
                device.send(hotReading());
                assertThat(device.next().getAck().getSeq()).isEqualTo(1);

                String readingTp = traceparent(sse.await(e -> e.event().equals("telemetry"), WAIT));
                String alertTp = traceparent(sse.await(e -> e.event().equals("alert"), WAIT));

                String telemetry = kafka.topics().telemetry().name();
                SpanData publish = span("ingest-gateway", telemetry + " publish");
                assertThat(publish.getKind()).isEqualTo(SpanKind.PRODUCER);
                assertThat(publish.getTraceId()).isEqualTo(TRACE);
                assertThat(publish.getParentSpanId()).isEqualTo(DEVICE_SPAN);
                assertThat(readingTp)
                        .as("the reading's event names the span that wrote its record")
                        .isEqualTo("00-" + TRACE + "-" + publish.getSpanId() + "-01");

                SpanData process = span("stream-processor", telemetry + " process");
                assertThat(process.getTraceId()).isEqualTo(TRACE);
                assertThat(process.getParentSpanId()).isEqualTo(publish.getSpanId());
                SpanData raise = span("stream-processor", "alert raise");
                assertThat(raise.getParentSpanId()).isEqualTo(process.getSpanId());
                assertThat(alertTp).isEqualTo("00-" + TRACE + "-" + raise.getSpanId() + "-01");

                SpanData delivered = span("push-gateway", telemetry + " process");
                assertThat(delivered.getTraceId()).isEqualTo(TRACE);
                assertThat(delivered.getParentSpanId()).isEqualTo(publish.getSpanId());
                SpanData alertDelivered =
                        span("push-gateway", kafka.topics().alerts().name() + " process");
                assertThat(alertDelivered.getParentSpanId()).isEqualTo(raise.getSpanId());
            }
        }
    }

    private static LocalStack tracedStack(KafkaConfig kafka, Path dir) {
        StackConfig config =
                StackConfig.builder(dir)
                        .existingCluster(kafka.bootstrapServers(), kafka.topicPrefix())
                        .partitions(kafka.partitions())
                        .streamSetting("sonde.stream.rules.0.id", "hot")
                        .streamSetting("sonde.stream.rules.0.metric", "temperature")
                        .streamSetting("sonde.stream.rules.0.op", ">")
                        .streamSetting("sonde.stream.rules.0.threshold", "80")
                        .streamSetting("sonde.stream.rules.0.severity", "major")
                        .build();
        // The services read these when they start; no other test's services should.
        System.setProperty("otel.traces.exporter", "memory");
        System.setProperty("otel.bsp.schedule.delay", "50");
        try {
            LocalStack stack = LocalStack.start(config);
            stack.startServices();
            return stack;
        } finally {
            System.clearProperty("otel.traces.exporter");
            System.clearProperty("otel.bsp.schedule.delay");
        }
    }

    private static Uplink hotReading() {
        return Uplink.newBuilder()
                .setBatch(
                        TelemetryBatch.newBuilder()
                                .addReadings(
                                        Reading.newBuilder()
                                                .setSeq(1)
                                                .setTimeUnixNano(
                                                        System.currentTimeMillis() * 1_000_000L)
                                                .putMetrics("temperature", 95.0)
                                                .setTraceparent(
                                                        "00-" + TRACE + "-" + DEVICE_SPAN + "-01")))
                .build();
    }

    // Waits for the span: the SDK exports in batches, a moment after the span ends.
    private static SpanData span(String service, String name) {
        return await().atMost(WAIT)
                .until(() -> find(service, name), Optional::isPresent)
                .orElseThrow();
    }

    private static Optional<SpanData> find(String service, String name) {
        return MemorySpanExporterProvider.SPANS.getFinishedSpanItems().stream()
                .filter(s -> s.getTraceId().equals(TRACE))
                .filter(s -> s.getName().equals(name))
                .filter(s -> service.equals(s.getResource().getAttribute(SERVICE)))
                .findFirst();
    }

    private static String traceparent(SseClient.Event e) throws Exception {
        JsonNode data = JSON.readTree(e.data());
        assertThat(data.has("traceparent")).as("event %s carries a traceparent", e.data()).isTrue();
        return data.get("traceparent").asText();
    }
}

package io.sonde.stream.processor;

import static io.sonde.stream.processor.TopologyFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.sonde.platform.observability.RecordSpans;
import io.sonde.platform.observability.TraceContext;
import io.sonde.proto.v1.Alert;
import io.sonde.stream.config.StreamConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The processor's spans while spans are exported: process per reading, one per alert event. */
@Timeout(60)
class TracingTopologyTest {
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PUBLISH_SPAN = "00f067aa0ba902b7";
    private static final String TRACEPARENT = "00-" + TRACE + "-" + PUBLISH_SPAN + "-01";
    private static final String HOT =
            "{\"metric\":\"temperature\",\"op\":\">\",\"threshold\":80,\"severity\":\"warning\"}";

    @TempDir Path stateDir;
    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private SdkTracerProvider provider;
    private TopologyFixture f;

    @BeforeEach
    void start() {
        provider =
                SdkTracerProvider.builder()
                        .addSpanProcessor(SimpleSpanProcessor.create(spans))
                        .build();
        f =
                new TopologyFixture(
                        StreamConfig.defaults().withState("tracing-test", stateDir),
                        RecordSpans.exporting(provider.get("test")));
    }

    @AfterEach
    void stop() {
        f.close();
        provider.close();
    }

    @Test
    void eachReadingIsProcessedInASpanUnderItsPublishSpan() {
        reading(1, 1_000, 20.0, true);
        reading(2, 2_000, 21.0, false);

        List<SpanData> process = named("sonde.telemetry process");
        assertThat(process).hasSize(2);
        SpanData first = process.getFirst();
        assertThat(first.getKind()).isEqualTo(SpanKind.CONSUMER);
        assertThat(first.getTraceId()).isEqualTo(TRACE);
        assertThat(first.getParentSpanId()).isEqualTo(PUBLISH_SPAN);
        assertThat(first.getAttributes().get(AttributeKey.stringKey("messaging.system")))
                .isEqualTo("kafka");
        assertThat(first.getAttributes().get(AttributeKey.longKey("messaging.kafka.offset")))
                .isEqualTo(0L);
        // A reading without trace context starts a trace of its own.
        assertThat(process.get(1).getTraceId()).isNotEqualTo(TRACE);
        assertThat(process.get(1).getParentSpanContext().isValid()).isFalse();
    }

    @Test
    void anAlertRecordCarriesItsRaiseSpanUnderTheReadingsProcessSpan() throws Exception {
        f.putRule("hot", HOT);
        reading(1, 1_000, 85.0, true);

        SpanData raise = named("alert raise").getFirst();
        SpanData process = named("sonde.telemetry process").getFirst();
        assertThat(raise.getParentSpanId()).isEqualTo(process.getSpanId());
        assertThat(raise.getTraceId()).isEqualTo(TRACE);
        assertThat(raise.getAttributes().get(AttributeKey.stringKey("sonde.alert.rule")))
                .isEqualTo("hot");
        TestRecord<String, Alert> alert = f.alertRecords().getFirst();
        SpanContext carried =
                Span.fromContext(TraceContext.extract(alert.headers())).getSpanContext();
        assertThat(carried.getTraceId()).isEqualTo(TRACE);
        assertThat(carried.getSpanId()).isEqualTo(raise.getSpanId());
    }

    @Test
    void aRaiseBySilenceStartsATraceOfItsOwn() throws Exception {
        f.putRule("quiet", "{\"kind\":\"absence\",\"afterSeconds\":30,\"severity\":\"critical\"}");
        reading(1, 1_000, 20.0, true);

        f.tick(Duration.ofMinutes(2));

        SpanData raise = named("alert raise").getFirst();
        assertThat(raise.getParentSpanContext().isValid()).isFalse();
        assertThat(raise.getTraceId()).isNotEqualTo(TRACE);
        assertThat(
                        Span.fromContext(
                                        TraceContext.extract(f.alertRecords().getFirst().headers()))
                                .getSpanContext()
                                .getSpanId())
                .isEqualTo(raise.getSpanId());
    }

    @Test
    void aClearOwedToARuleChangeIsATraceOfItsOwnNotThatOfTheReadingThatNoticedIt()
            throws Exception {
        f.putRule("hot", HOT);
        reading(1, 1_000, 85.0, true);
        f.deleteRule("hot");
        String otherTrace = "7af92f3577b34da6a3ce929d0e0e4736";
        f.send(
                "dev-2",
                1,
                T0 + 2_000,
                T0 + 2_000,
                Map.of("temperature", 20.0),
                Optional.of("00-" + otherTrace + "-00f067aa0ba902b7-01"));

        SpanData clear = named("alert clear").getFirst();
        assertThat(clear.getParentSpanContext().isValid()).isFalse();
        assertThat(clear.getTraceId()).isNotIn(TRACE, otherTrace);
        TestRecord<String, Alert> cleared = f.alertRecords().get(1);
        assertThat(cleared.key()).isEqualTo("dev-1");
        assertThat(
                        Span.fromContext(TraceContext.extract(cleared.headers()))
                                .getSpanContext()
                                .getSpanId())
                .isEqualTo(clear.getSpanId());
    }

    // A temperature reading of dev-1 at T0 + offset, maybe with the device's trace context.
    private void reading(long seq, long offsetMs, double temperature, boolean traced) {
        f.send(
                "dev-1",
                seq,
                T0 + offsetMs,
                T0 + offsetMs,
                Map.of("temperature", temperature),
                traced ? Optional.of(TRACEPARENT) : Optional.empty());
    }

    private List<SpanData> named(String name) {
        return spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
    }
}

package io.sonde.ingest.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.sonde.platform.observability.Observability;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class TraceHeadersTest {
    @Test
    void aNewSpanTravelsInKafkaHeadersAndComesBackOut() {
        try (Observability obs = Observability.create("test")) {
            Span span = obs.tracer().spanBuilder("s").startSpan();
            RecordHeaders headers = new RecordHeaders();

            TraceHeaders.inject(Context.root().with(span), headers);

            String value =
                    new String(headers.lastHeader("traceparent").value(), StandardCharsets.UTF_8);
            assertThat(value)
                    .isEqualTo(
                            "00-"
                                    + span.getSpanContext().getTraceId()
                                    + "-"
                                    + span.getSpanContext().getSpanId()
                                    + "-"
                                    + span.getSpanContext().getTraceFlags().asHex());
            Span extracted = Span.fromContext(TraceHeaders.extract(Context.root(), headers));
            assertThat(extracted.getSpanContext().getTraceId())
                    .isEqualTo(span.getSpanContext().getTraceId());
        }
    }

    @Test
    void aDeviceTraceparentBecomesTheParent() {
        String tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        Span parent = Span.fromContext(TraceHeaders.fromTraceparent(tp));
        assertThat(parent.getSpanContext().getTraceId())
                .isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(
                        Span.fromContext(TraceHeaders.fromTraceparent("garbage"))
                                .getSpanContext()
                                .isValid())
                .isFalse();
    }
}

package io.sonde.platform.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class TraceContextTest {
    private static final String DEVICE_TP =
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void aNewSpanTravelsInKafkaHeadersAndComesBackOut() {
        try (Observability obs = Observability.create("test")) {
            Span span = obs.tracer().spanBuilder("s").startSpan();
            RecordHeaders headers = new RecordHeaders();

            TraceContext.inject(Context.root().with(span), headers);

            SpanContext sc = span.getSpanContext();
            String expected =
                    "00-"
                            + sc.getTraceId()
                            + "-"
                            + sc.getSpanId()
                            + "-"
                            + sc.getTraceFlags().asHex();
            String value =
                    new String(
                            headers.lastHeader(TraceContext.TRACEPARENT).value(),
                            StandardCharsets.UTF_8);
            assertThat(value).isEqualTo(expected);
            assertThat(TraceContext.traceparent(headers)).contains(expected);
            Span extracted = Span.fromContext(TraceContext.extract(headers));
            assertThat(extracted.getSpanContext().getTraceId()).isEqualTo(sc.getTraceId());
            assertThat(extracted.getSpanContext().getSpanId()).isEqualTo(sc.getSpanId());
        }
    }

    @Test
    void injectingTwiceLeavesOneHeader() {
        RecordHeaders headers = new RecordHeaders();
        TraceContext.inject(TraceContext.fromTraceparent(DEVICE_TP), headers);
        TraceContext.inject(TraceContext.fromTraceparent(DEVICE_TP), headers);

        assertThat(headers.headers(TraceContext.TRACEPARENT)).hasSize(1);
    }

    @Test
    void aDeviceTraceparentBecomesTheParent() {
        Span parent = Span.fromContext(TraceContext.fromTraceparent(DEVICE_TP));
        assertThat(parent.getSpanContext().getTraceId())
                .isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(parent.getSpanContext().isRemote()).isTrue();
        assertThat(
                        Span.fromContext(TraceContext.fromTraceparent("garbage"))
                                .getSpanContext()
                                .isValid())
                .isFalse();
    }

    @Test
    void aMalformedOrMissingHeaderGivesNoTraceparent() {
        RecordHeaders garbage = new RecordHeaders();
        garbage.add(TraceContext.TRACEPARENT, "<script>".getBytes(StandardCharsets.UTF_8));
        RecordHeaders empty = new RecordHeaders();
        empty.add(TraceContext.TRACEPARENT, null);

        assertThat(TraceContext.traceparent(garbage)).isEmpty();
        assertThat(TraceContext.traceparent(empty)).isEmpty();
        assertThat(TraceContext.traceparent(new RecordHeaders())).isEmpty();
        assertThat(TraceContext.traceparent((RecordHeaders) null)).isEmpty();
        assertThat(TraceContext.extract(garbage)).isEqualTo(Context.root());
    }

    @Test
    void aValidHeaderIsWrittenBackTheSame() {
        RecordHeaders headers = new RecordHeaders();
        headers.add(TraceContext.TRACEPARENT, DEVICE_TP.getBytes(StandardCharsets.UTF_8));

        assertThat(TraceContext.traceparent(headers)).contains(DEVICE_TP);
    }
}

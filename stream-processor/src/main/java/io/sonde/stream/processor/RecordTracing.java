package io.sonde.stream.processor;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.sonde.platform.observability.RecordSpans;
import io.sonde.platform.observability.TraceContext;
import io.sonde.stream.alert.Transition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * The processor's spans (docs/operations.md, Tracing). While spans are exported, each reading is
 * processed inside a {@code "{topic} process"} span whose parent is the ingest gateway's publish
 * span (from the record's {@code traceparent} header), and each alert raise or clear is an {@code
 * alert raise} / {@code alert clear} span under it, whose context the alert record carries. While
 * spans are not exported, no span is made: an alert record carries its reading's {@code
 * traceparent} as it came. Aggregates and device states summarise many readings and carry none.
 *
 * <p>Used on the task's stream thread only.
 */
final class RecordTracing {
    private final RecordSpans spans;

    RecordTracing(RecordSpans spans) {
        this.spans = spans;
    }

    /**
     * The span processing one reading read at {@code where}, started; the caller makes it current
     * and ends it. The invalid span when spans are not exported.
     */
    Span process(Headers headers, RecordMetadata where) {
        return spans.process(headers, where.topic(), where.partition(), where.offset());
    }

    /**
     * The headers of the record of alert event {@code t} of {@code device}, {@code cause} being the
     * headers of the reading that caused it (null when none did): while exported, the context of
     * the event's own span, a child of the current one (the reading's process span), or of none;
     * otherwise {@code cause}'s {@code traceparent}, if any.
     */
    Headers alert(String device, Transition t, Headers cause) {
        RecordHeaders out = new RecordHeaders();
        if (!spans.on()) {
            Header tp = cause == null ? null : cause.lastHeader(TraceContext.TRACEPARENT);
            if (tp != null) {
                out.add(tp);
            }
            return out;
        }
        // No cause (a silence, a rule change): a trace of its own, even when the change is
        // noticed while some other device's reading is being processed.
        Context parent = cause == null ? Context.root() : Context.current();
        Span span =
                spans.tracer()
                        .spanBuilder(t.raised() ? "alert raise" : "alert clear")
                        .setParent(parent)
                        .setSpanKind(SpanKind.INTERNAL)
                        .setAttribute("sonde.alert.id", t.alertId())
                        .setAttribute("sonde.alert.rule", t.ruleId())
                        .setAttribute("sonde.alert.severity", t.severity())
                        .setAttribute("sonde.device.id", device)
                        .startSpan();
        TraceContext.inject(parent.with(span), out);
        span.end();
        return out;
    }
}

package io.sonde.platform.observability;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import org.apache.kafka.common.header.Headers;

/**
 * Spans made per Kafka record by the stages after the ingest gateway (the stream processor, the
 * push gateway): made only while spans are exported, so that tracing nobody collects costs a record
 * nothing: no header is parsed, no span is made. Thread-safe.
 */
public final class RecordSpans {
    private static final RecordSpans OFF =
            new RecordSpans(OpenTelemetry.noop().getTracer("off"), false);

    private final Tracer tracer;
    private final boolean on;

    private RecordSpans(Tracer tracer, boolean on) {
        this.tracer = tracer;
        this.on = on;
    }

    /** Spans while {@code observability} exports them, none otherwise. */
    public static RecordSpans of(Observability observability) {
        return observability.tracesExported() ? exporting(observability.tracer()) : OFF;
    }

    /** Spans from {@code tracer}, e.g. one a test reads. */
    public static RecordSpans exporting(Tracer tracer) {
        return new RecordSpans(tracer, true);
    }

    /** No spans. */
    public static RecordSpans off() {
        return OFF;
    }

    /** Whether spans are made. */
    public boolean on() {
        return on;
    }

    /** The tracer of further spans; only worth using when {@link #on()}. */
    public Tracer tracer() {
        return tracer;
    }

    /**
     * A started {@code "{topic} process"} consumer span for one record, following the messaging
     * conventions, whose parent is the span that wrote the record (its {@code traceparent} header);
     * the invalid span when off. The caller ends it.
     */
    public Span process(Headers headers, String topic, int partition, long offset) {
        if (!on) {
            return Span.getInvalid();
        }
        return tracer.spanBuilder(topic + " process")
                .setParent(TraceContext.extract(headers))
                .setSpanKind(SpanKind.CONSUMER)
                .setAttribute("messaging.system", "kafka")
                .setAttribute("messaging.operation.type", "process")
                .setAttribute("messaging.destination.name", topic)
                .setAttribute("messaging.destination.partition.id", String.valueOf(partition))
                .setAttribute("messaging.kafka.offset", offset)
                .startSpan();
    }
}

package io.sonde.platform.observability;

import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;

/**
 * Ends spans without sending them anywhere. The SDK disables tracers that have no span processor,
 * and a disabled tracer creates spans without ids; with this one, spans get real trace and span
 * ids, so trace context still flows through Kafka headers when no exporter is configured.
 */
final class DiscardingSpanProcessor implements SpanProcessor {
    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {
        // Nothing to record.
    }

    @Override
    public boolean isStartRequired() {
        return false;
    }

    @Override
    public void onEnd(ReadableSpan span) {
        // Nothing to export.
    }

    @Override
    public boolean isEndRequired() {
        return true;
    }
}

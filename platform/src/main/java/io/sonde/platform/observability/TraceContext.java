package io.sonde.platform.observability;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * W3C trace context ({@code traceparent}, {@code tracestate}) in Kafka record headers: every stage
 * that writes a record puts the context of its span there, so a reading's trace runs from the
 * device's frame through Kafka to the event a dashboard receives. Stateless and thread-safe.
 */
public final class TraceContext {
    /** The W3C header name, also used verbatim as the Kafka header key. */
    public static final String TRACEPARENT = "traceparent";

    private static final TextMapPropagator W3C = W3CTraceContextPropagator.getInstance();

    private static final TextMapSetter<Headers> SETTER =
            (headers, key, value) -> {
                if (headers != null) {
                    headers.remove(key);
                    headers.add(key, value.getBytes(StandardCharsets.UTF_8));
                }
            };

    private static final TextMapGetter<Headers> GETTER =
            new TextMapGetter<>() {
                @Override
                public Iterable<String> keys(Headers headers) {
                    List<String> keys = new ArrayList<>();
                    for (Header h : headers) {
                        keys.add(h.key());
                    }
                    return keys;
                }

                @Override
                public String get(Headers headers, String key) {
                    if (headers == null) {
                        return null;
                    }
                    Header h = headers.lastHeader(key);
                    return h == null || h.value() == null
                            ? null
                            : new String(h.value(), StandardCharsets.UTF_8);
                }
            };

    private static final TextMapGetter<String> BARE =
            new TextMapGetter<>() {
                @Override
                public Iterable<String> keys(String carrier) {
                    return List.of(TRACEPARENT);
                }

                @Override
                public String get(String carrier, String key) {
                    return TRACEPARENT.equals(key) ? carrier : null;
                }
            };

    private TraceContext() {}

    /** Writes the span context of {@code context} into {@code headers}, replacing any before. */
    public static void inject(Context context, Headers headers) {
        W3C.inject(context, headers, SETTER);
    }

    /** The context {@code headers} carry; the root context when they carry none or garbage. */
    public static Context extract(Headers headers) {
        return W3C.extract(Context.root(), headers, GETTER);
    }

    /** A context from a bare {@code traceparent} string, e.g. one a device sent in a reading. */
    public static Context fromTraceparent(String traceparent) {
        return W3C.extract(Context.root(), traceparent, BARE);
    }

    /**
     * The {@code traceparent} {@code headers} carry, written anew from the parsed context, so a
     * malformed header never reaches a client; empty when there is none or it does not parse.
     */
    public static Optional<String> traceparent(Headers headers) {
        if (headers == null || headers.lastHeader(TRACEPARENT) == null) {
            return Optional.empty();
        }
        return traceparent(Span.fromContext(extract(headers)).getSpanContext());
    }

    /** {@code 00-TRACEID-SPANID-FLAGS} of a valid span context. */
    public static Optional<String> traceparent(SpanContext span) {
        if (!span.isValid()) {
            return Optional.empty();
        }
        return Optional.of(
                "00-"
                        + span.getTraceId()
                        + "-"
                        + span.getSpanId()
                        + "-"
                        + span.getTraceFlags().asHex());
    }
}

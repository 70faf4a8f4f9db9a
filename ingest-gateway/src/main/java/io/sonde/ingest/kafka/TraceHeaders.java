package io.sonde.ingest.kafka;

import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * W3C trace context ({@code traceparent}, {@code tracestate}) in Kafka record headers, so that a
 * reading's trace continues from the device's frame into Kafka, where later stages can join it.
 */
public final class TraceHeaders {
    /** The W3C header name, also used verbatim as the Kafka header key. */
    static final String TRACEPARENT = "traceparent";

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
                    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
                }
            };

    private TraceHeaders() {}

    /** Writes the span context of {@code context} into {@code headers}. */
    static void inject(Context context, Headers headers) {
        W3C.inject(context, headers, SETTER);
    }

    /** The context carried by {@code headers}, as a child of {@code parent}. */
    static Context extract(Context parent, Headers headers) {
        return W3C.extract(parent, headers, GETTER);
    }

    /** A context from a bare {@code traceparent} string, e.g. one a device sent in a reading. */
    static Context fromTraceparent(String traceparent) {
        return W3C.extract(
                Context.root(),
                traceparent,
                new TextMapGetter<>() {
                    @Override
                    public Iterable<String> keys(String carrier) {
                        return List.of(TRACEPARENT);
                    }

                    @Override
                    public String get(String carrier, String key) {
                        return TRACEPARENT.equals(key) ? carrier : null;
                    }
                });
    }
}

package io.sonde.platform.observability;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.util.HashMap;
import java.util.Map;

/**
 * Metrics and tracing of one service. Each service owns its own instance (the demo runs three in
 * one JVM), so nothing here is global.
 *
 * <p>Tracing uses the OpenTelemetry SDK, configured from the usual {@code OTEL_*} environment
 * variables (or their {@code -Dotel.*} system properties) when a traces exporter or an OTLP
 * endpoint is set there ({@link TraceExport}). With none set, nothing is exported: the ingest
 * gateway's batch spans still get real ids, so the trace context it writes into Kafka headers is
 * real, and the per-record spans of the later stages are not made at all ({@link RecordSpans}).
 */
public final class Observability implements AutoCloseable {
    private static final String INSTRUMENTATION_SCOPE = "io.sonde";

    private final String service;
    private final PrometheusMeterRegistry registry;
    private final OpenTelemetrySdk openTelemetry;
    private final JvmGcMetrics gcMetrics;
    private final boolean exported;

    private Observability(String service) {
        this.service = service;
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("service", service);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        this.gcMetrics = new JvmGcMetrics();
        gcMetrics.bindTo(registry);
        this.exported = TraceExport.asked();
        this.openTelemetry = openTelemetry(service, exported);
    }

    /** Sets up metrics and tracing for the named service, e.g. {@code ingest-gateway}. */
    public static Observability create(String service) {
        return new Observability(service);
    }

    public String service() {
        return service;
    }

    public MeterRegistry meters() {
        return registry;
    }

    /** All meters in the Prometheus text format. */
    public String scrape() {
        return registry.scrape();
    }

    public OpenTelemetry openTelemetry() {
        return openTelemetry;
    }

    /** The tracer for spans whose ids travel on (in Kafka headers), exported or not. */
    public Tracer tracer() {
        return openTelemetry.getTracer(INSTRUMENTATION_SCOPE);
    }

    /** Whether spans leave the process ({@link TraceExport}). */
    public boolean tracesExported() {
        return exported;
    }

    @Override
    public void close() {
        gcMetrics.close();
        registry.close();
        openTelemetry.close();
    }

    private static OpenTelemetrySdk openTelemetry(String service, boolean exported) {
        if (!exported) {
            // Spans still get real ids, so the trace context written into Kafka headers is
            // real; the spans are just not sent anywhere.
            return OpenTelemetrySdk.builder()
                    .setTracerProvider(
                            SdkTracerProvider.builder()
                                    .setResource(
                                            Resource.getDefault()
                                                    .merge(
                                                            Resource.builder()
                                                                    .put("service.name", service)
                                                                    .build()))
                                    .addSpanProcessor(new DiscardingSpanProcessor())
                                    .build())
                    .setPropagators(
                            ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                    .build();
        }
        Map<String, String> defaults = new HashMap<>();
        defaults.put("otel.service.name", service);
        defaults.put("otel.metrics.exporter", "none");
        defaults.put("otel.logs.exporter", "none");
        return AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> defaults)
                .disableShutdownHook()
                .build()
                .getOpenTelemetrySdk();
    }
}

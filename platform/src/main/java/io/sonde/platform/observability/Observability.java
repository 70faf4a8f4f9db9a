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
 * variables when an exporter or endpoint is set there; with none set, spans are created (trace ids
 * go into Kafka record headers) but not exported anywhere.
 */
public final class Observability implements AutoCloseable {
    private static final String INSTRUMENTATION_SCOPE = "io.sonde";

    private final String service;
    private final PrometheusMeterRegistry registry;
    private final OpenTelemetrySdk openTelemetry;
    private final JvmGcMetrics gcMetrics;

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
        this.openTelemetry = openTelemetry(service);
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

    public Tracer tracer() {
        return openTelemetry.getTracer(INSTRUMENTATION_SCOPE);
    }

    @Override
    public void close() {
        gcMetrics.close();
        registry.close();
        openTelemetry.close();
    }

    private static OpenTelemetrySdk openTelemetry(String service) {
        boolean exportAsked =
                System.getenv().keySet().stream()
                        .anyMatch(k ->
                                k.startsWith("OTEL_EXPORTER_") || k.equals("OTEL_TRACES_EXPORTER"));
        if (!exportAsked) {
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

package io.sonde.platform.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class TraceExportTest {
    @Test
    void nothingSetExportsNothing() {
        assertThat(TraceExport.asked(Map.of(), new Properties())).isFalse();
        assertThat(TraceExport.asked(Map.of("OTEL_SERVICE_NAME", "x"), new Properties())).isFalse();
    }

    @Test
    void anEndpointInTheEnvironmentOrAPropertyExports() {
        assertThat(
                        TraceExport.asked(
                                Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318"),
                                new Properties()))
                .isTrue();
        assertThat(
                        TraceExport.asked(
                                Map.of(), props("otel.exporter.otlp.traces.endpoint", "http://c")))
                .isTrue();
        assertThat(TraceExport.asked(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", " "), new Properties()))
                .isFalse();
    }

    @Test
    void anExporterExportsUnlessItIsNone() {
        assertThat(TraceExport.asked(Map.of("OTEL_TRACES_EXPORTER", "otlp"), new Properties()))
                .isTrue();
        assertThat(TraceExport.asked(Map.of(), props("otel.traces.exporter", "console"))).isTrue();
        assertThat(
                        TraceExport.asked(
                                Map.of(
                                        "OTEL_TRACES_EXPORTER", "None ",
                                        "OTEL_EXPORTER_OTLP_ENDPOINT", "http://c"),
                                new Properties()))
                .isFalse();
    }

    @Test
    void aDisabledSdkExportsNothingAndHeadersAloneAskForNothing() {
        assertThat(
                        TraceExport.asked(
                                Map.of(
                                        "OTEL_SDK_DISABLED", "TRUE",
                                        "OTEL_EXPORTER_OTLP_ENDPOINT", "http://c"),
                                new Properties()))
                .isFalse();
        assertThat(TraceExport.asked(Map.of("OTEL_EXPORTER_OTLP_HEADERS", "a=b"), new Properties()))
                .isFalse();
        assertThat(
                        TraceExport.asked(
                                Map.of(
                                        "OTEL_SDK_DISABLED", "false",
                                        "OTEL_EXPORTER_OTLP_ENDPOINT", "http://c"),
                                new Properties()))
                .isTrue();
    }

    @Test
    void thePropertyWinsOverTheEnvironment() {
        assertThat(
                        TraceExport.asked(
                                Map.of("OTEL_TRACES_EXPORTER", "otlp"),
                                props("otel.traces.exporter", "none")))
                .isFalse();
    }

    private static Properties props(String key, String value) {
        Properties p = new Properties();
        p.setProperty(key, value);
        return p;
    }
}

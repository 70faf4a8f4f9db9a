package io.sonde.platform.observability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class JsonLogFormatterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final JsonLogFormatter formatter = new JsonLogFormatter();

    @Test
    void aLineIsOneJsonObjectWithTheUsualFields() throws Exception {
        LogRecord record = new LogRecord(Level.WARNING, "quote \" newline \n tab \t bell \u0007");
        record.setLoggerName("io.sonde.test");

        String line = formatter.format(record);

        assertThat(line).endsWith(System.lineSeparator());
        assertThat(line.strip()).doesNotContain("\n");
        JsonNode json = JSON.readTree(line);
        assertThat(json.get("level").asText()).isEqualTo("WARNING");
        assertThat(json.get("logger").asText()).isEqualTo("io.sonde.test");
        assertThat(json.get("msg").asText()).isEqualTo("quote \" newline \n tab \t bell \u0007");
        assertThat(json.get("thread").asText()).isEqualTo(Thread.currentThread().getName());
        assertThat(json.has("ts")).isTrue();
        assertThat(json.has("trace_id")).isFalse();
        assertThat(json.has("error")).isFalse();
    }

    @Test
    void insideASpanTheLineCarriesItsIds() throws Exception {
        try (Observability obs = Observability.create("log-test")) {
            Span span = obs.tracer().spanBuilder("work").startSpan();
            String line;
            try (Scope ignored = span.makeCurrent()) {
                line = formatter.format(new LogRecord(Level.INFO, "inside"));
            } finally {
                span.end();
            }
            String after = formatter.format(new LogRecord(Level.INFO, "after"));

            JsonNode json = JSON.readTree(line);
            assertThat(json.get("trace_id").asText()).isEqualTo(span.getSpanContext().getTraceId());
            assertThat(json.get("span_id").asText()).isEqualTo(span.getSpanContext().getSpanId());
            assertThat(JSON.readTree(after).has("trace_id")).isFalse();
        }
    }

    @Test
    void anExceptionGoesIntoError() throws Exception {
        LogRecord record = new LogRecord(Level.SEVERE, "failed");
        record.setThrown(new IllegalStateException("boom"));

        JsonNode json = JSON.readTree(formatter.format(record));

        assertThat(json.get("error").asText()).contains("IllegalStateException: boom");
    }
}

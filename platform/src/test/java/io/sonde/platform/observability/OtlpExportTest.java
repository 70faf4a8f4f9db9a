package io.sonde.platform.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Spans leave the process over OTLP/HTTP when asked, through the SDK's autoconfiguration and the
 * exporter's real HTTP client: a receiver on loopback gets them, named by service.
 */
class OtlpExportTest {
    @Test
    void aSpanReachesAnOtlpReceiver() throws Exception {
        AtomicReference<byte[]> received = new AtomicReference<>();
        HttpServer receiver =
                HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext(
                "/v1/traces",
                exchange -> {
                    try (InputStream body = exchange.getRequestBody()) {
                        received.set(body.readAllBytes());
                    }
                    exchange.sendResponseHeaders(200, -1);
                    exchange.close();
                });
        receiver.start();
        String[][] settings = {
            {"otel.traces.exporter", "otlp"},
            {"otel.exporter.otlp.protocol", "http/protobuf"},
            {"otel.exporter.otlp.endpoint", "http://127.0.0.1:" + receiver.getAddress().getPort()},
        };
        try {
            for (String[] s : settings) {
                System.setProperty(s[0], s[1]);
            }
            try (Observability obs = Observability.create("export-test")) {
                assertThat(obs.tracesExported()).isTrue();
                obs.tracer().spanBuilder("exported-span").startSpan().end();
            } // closing flushes the batch processor
        } finally {
            for (String[] s : settings) {
                System.clearProperty(s[0]);
            }
            receiver.stop(0);
        }

        assertThat(received.get()).as("an export request arrived").isNotNull();
        String body = new String(received.get(), StandardCharsets.ISO_8859_1);
        assertThat(body).contains("exported-span").contains("export-test");
    }

    @Test
    void withNothingSetNothingIsExportedYetSpansHaveIds() {
        assumeFalse(TraceExport.asked(), "this machine's OTEL_* settings ask for export");
        try (Observability obs = Observability.create("quiet")) {
            assertThat(obs.tracesExported()).isFalse();
            assertThat(obs.tracer().spanBuilder("s").startSpan().getSpanContext().isValid())
                    .isTrue();
            assertThat(RecordSpans.of(obs).on()).isFalse();
        }
    }
}

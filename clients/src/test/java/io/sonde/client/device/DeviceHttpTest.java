package io.sonde.client.device;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.sonde.proto.v1.Ack;
import io.sonde.proto.v1.Reading;
import io.sonde.proto.v1.TelemetryBatch;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Against a real Helidon route: {@code /ok} acks the batch's last seq in the request's encoding,
 * {@code /busy} answers 429 with a JSON error and {@code Retry-After}.
 */
class DeviceHttpTest {
    private static WebServer server;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final TelemetryBatch BATCH =
            TelemetryBatch.newBuilder()
                    .addReadings(Reading.newBuilder().setSeq(7).putMetrics("t", 1))
                    .addReadings(Reading.newBuilder().setSeq(9).putMetrics("t", 2))
                    .build();

    @BeforeAll
    static void start() {
        server =
                WebServer.builder()
                        .host("127.0.0.1")
                        .port(0)
                        .routing(r ->
                                r.post("/ok", DeviceHttpTest::ok)
                                        .post("/busy", DeviceHttpTest::busy))
                        .build()
                        .start();
    }

    private static void ok(ServerRequest req, ServerResponse res) throws Exception {
        String type = req.headers().contentType().orElseThrow().mediaType().text();
        byte[] body = req.content().as(byte[].class);
        if (type.equals("application/json")) {
            TelemetryBatch.Builder batch = TelemetryBatch.newBuilder();
            JsonFormat.parser().merge(new String(body, StandardCharsets.UTF_8), batch);
            res.header(HeaderNames.CONTENT_TYPE, "application/json")
                    .send(JsonFormat.printer().print(ack(batch.build())));
        } else {
            res.header(HeaderNames.CONTENT_TYPE, "application/x-protobuf")
                    .send(ack(TelemetryBatch.parseFrom(body)).toByteArray());
        }
    }

    private static void busy(ServerRequest req, ServerResponse res) {
        res.status(Status.TOO_MANY_REQUESTS_429)
                .header(HeaderNames.RETRY_AFTER, "2")
                .header(HeaderNames.CONTENT_TYPE, "application/json")
                .send("{\"code\":\"RESOURCE_EXHAUSTED\",\"message\":\"slow down\"}");
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    private static Ack ack(TelemetryBatch batch) {
        return Ack.newBuilder()
                .setSeq(batch.getReadings(batch.getReadingsCount() - 1).getSeq())
                .build();
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    @Test
    void postsABatchAndReadsTheAckInBothEncodings() throws Exception {
        for (WireFormat format : WireFormat.values()) {
            DeviceHttp.Response r = new DeviceHttp(HTTP, uri("/ok"), format).post("t", BATCH);

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.ack()).hasValueSatisfying(a -> assertThat(a.getSeq()).isEqualTo(9));
            assertThat(r.code()).isEmpty();
        }
    }

    @Test
    void readsTheErrorBodyAndRetryAfter() throws Exception {
        DeviceHttp.Response r =
                new DeviceHttp(HTTP, uri("/busy"), WireFormat.PROTOBUF).post("t", BATCH);

        assertThat(r.status()).isEqualTo(429);
        assertThat(r.ack()).isEmpty();
        assertThat(r.code()).contains("RESOURCE_EXHAUSTED");
        assertThat(r.message()).contains("slow down");
        assertThat(r.retryAfterSeconds()).hasValue(2);
    }
}

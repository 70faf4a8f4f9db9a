package io.sonde.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.sonde.client.device.DeviceHttp;
import io.sonde.client.device.WireFormat;
import io.sonde.devtools.DevKeys;
import io.sonde.platform.config.ServiceConfig;
import io.sonde.platform.kafka.KafkaConfig;
import io.sonde.platform.service.Service;
import io.sonde.testing.ServiceOverrides;
import io.sonde.testing.SharedKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(SharedKafka.class)
@Timeout(120)
class TelemetryHttpIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void postsABatchAndAnswersEveryBadRequestWithItsCode(KafkaConfig kafka, @TempDir Path dir)
            throws Exception {
        DevKeys keys = DevKeys.loadOrCreate(dir);
        Map<String, String> o = new HashMap<>(ServiceOverrides.of(kafka, keys.jwksFile()));
        o.put("sonde.ingest.max-message-bytes", "2048");
        o.put("sonde.ingest.rate-limit.readings-per-second", "1");
        o.put("sonde.ingest.rate-limit.readings-burst", "3");
        try (Service gw =
                IngestGatewayMain.start(
                        ServiceConfig.of(IngestGatewayMain.SERVICE).flags(o).load())) {
            String token = keys.issuer().device("dev-h", Duration.ofMinutes(5));
            URI uri = URI.create("http://127.0.0.1:" + gw.port() + "/v1/telemetry");
            DeviceHttp protobuf = new DeviceHttp(HTTP, uri, WireFormat.PROTOBUF);
            DeviceHttp json = new DeviceHttp(HTTP, uri, WireFormat.JSON);

            DeviceHttp.Response ok = protobuf.post(token, Readings.batch(1, 2).getBatch());
            assertThat(ok.status()).isEqualTo(200);
            assertThat(ok.ack()).hasValueSatisfying(a -> assertThat(a.getSeq()).isEqualTo(2));

            DeviceHttp.Response inJson = json.post(token, Readings.batch(3, 1).getBatch());
            assertThat(inJson.status()).isEqualTo(200);
            assertThat(inJson.ack()).hasValueSatisfying(a -> assertThat(a.getSeq()).isEqualTo(3));

            byte[] batch = Readings.batch(4, 1).getBatch().toByteArray();
            DeviceHttp.Response anonymous =
                    protobuf.postWithoutToken("application/x-protobuf", batch);
            assertThat(anonymous.status()).isEqualTo(401);
            assertThat(anonymous.code()).contains("UNAUTHENTICATED");
            DeviceHttp.Response garbage =
                    protobuf.post(token, "application/x-protobuf", new byte[] {(byte) 0xff, 1});
            assertThat(garbage.status()).isEqualTo(400);
            assertThat(garbage.code()).contains("INVALID_ARGUMENT");
            assertThat(protobuf.post(token, "application/x-protobuf", new byte[4096]).status())
                    .isEqualTo(413);
            assertThat(protobuf.post(token, "text/plain", batch).status()).isEqualTo(415);

            DeviceHttp.Response limited = protobuf.post(token, Readings.batch(10, 3).getBatch());
            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.code()).contains("RESOURCE_EXHAUSTED");
            assertThat(limited.retryAfterSeconds()).isPresent();
            assertThat(limited.retryAfterSeconds().getAsLong()).isPositive();
        }
    }
}

package io.sonde.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.sonde.platform.config.ServiceConfig;
import io.sonde.platform.kafka.KafkaSettings;
import io.sonde.platform.security.DevKeys;
import io.sonde.proto.v1.Ack;
import io.sonde.testing.ServiceOverrides;
import io.sonde.testing.SharedKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(SharedKafka.class)
@Timeout(120)
class TelemetryHttpIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void postsABatchAndAnswersEveryBadRequestWithItsCode(KafkaSettings kafka, @TempDir Path dir)
            throws Exception {
        DevKeys keys = DevKeys.loadOrCreate(dir);
        Map<String, String> o = new HashMap<>(ServiceOverrides.of(kafka, keys.jwksFile()));
        o.put("sonde.ingest.max-message-bytes", "2048");
        o.put("sonde.ingest.rate-limit.readings-per-second", "1");
        o.put("sonde.ingest.rate-limit.readings-burst", "3");
        try (IngestGateway gw =
                IngestGateway.start(ServiceConfig.load("ingest-gateway", Optional.empty(), o))) {
            String token = keys.issuer().device("dev-h", Duration.ofMinutes(5));
            URI uri = URI.create("http://127.0.0.1:" + gw.port() + "/v1/telemetry");
            byte[] batch = Readings.batch(1, 2).getBatch().toByteArray();

            HttpResponse<byte[]> ok = post(uri, token, "application/x-protobuf", batch);
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(Ack.parseFrom(ok.body()).getSeq()).isEqualTo(2);

            HttpResponse<byte[]> json =
                    post(
                            uri,
                            token,
                            "application/json",
                            "{\"readings\":[{\"seq\":3,\"metrics\":{\"t\":1}}]}".getBytes());
            assertThat(json.statusCode()).isEqualTo(200);
            assertThat(new String(json.body())).contains("\"seq\":\"3\"");

            assertThat(post(uri, null, "application/x-protobuf", batch).statusCode())
                    .isEqualTo(401);
            HttpResponse<byte[]> garbage =
                    post(uri, token, "application/x-protobuf", new byte[] {(byte) 0xff, 1});
            assertThat(garbage.statusCode()).isEqualTo(400);
            assertThat(new String(garbage.body())).contains("\"code\":\"INVALID_ARGUMENT\"");
            assertThat(post(uri, token, "application/x-protobuf", new byte[4096]).statusCode())
                    .isEqualTo(413);

            HttpResponse<byte[]> limited =
                    post(
                            uri,
                            token,
                            "application/x-protobuf",
                            Readings.batch(10, 3).getBatch().toByteArray());
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(limited.headers().firstValue("Retry-After")).isPresent();
        }
    }

    private static HttpResponse<byte[]> post(URI uri, String token, String type, byte[] body)
            throws Exception {
        HttpRequest.Builder req =
                HttpRequest.newBuilder(uri)
                        .header("Content-Type", type)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            req.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}

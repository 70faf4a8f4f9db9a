package io.sonde.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.webserver.WebServer;
import io.sonde.platform.health.Health;
import io.sonde.platform.health.HealthCheck;
import io.sonde.platform.observability.Observability;
import io.sonde.platform.observability.ObserveService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The processor's route table on a real server, without Kafka: health follows its checks. */
class StreamRoutingTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final AtomicBoolean running = new AtomicBoolean();
    private Observability observability;
    private WebServer server;

    @BeforeEach
    void start() {
        observability = Observability.create("stream-test");
        Health health = new Health();
        health.addReadiness(HealthCheck.of("streams", running::get, "state REBALANCING"));
        ObserveService observe = new ObserveService(observability, health);
        server =
                WebServer.builder()
                        .host("127.0.0.1")
                        .port(0)
                        .routing(r -> StreamProcessorMain.routing(r, observe))
                        .build()
                        .start();
    }

    @AfterEach
    void stop() {
        server.stop();
        observability.close();
    }

    @Test
    void readinessFollowsStreamsWhileLivenessStaysUp() throws Exception {
        HttpResponse<String> down = get("/observe/health");
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.body()).contains("state REBALANCING");
        assertThat(get("/observe/health/ready").statusCode()).isEqualTo(503);
        assertThat(get("/observe/health/live").statusCode()).isEqualTo(200);

        running.set(true);

        assertThat(get("/observe/health").statusCode()).isEqualTo(200);
        assertThat(get("/observe/health/ready").statusCode()).isEqualTo(200);
    }

    @Test
    void servesMetricsAndNothingElse() throws Exception {
        assertThat(get("/observe/metrics").body()).contains("jvm_memory_used_bytes");
        assertThat(get("/v1/rules").statusCode()).isEqualTo(404);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}

package io.sonde.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.helidon.config.Config;
import io.sonde.devtools.DevKeys;
import io.sonde.ingest.IngestGatewayMain;
import io.sonde.platform.config.ServiceConfig;
import io.sonde.platform.kafka.KafkaConfig;
import io.sonde.platform.service.Service;
import io.sonde.platform.service.ServiceStartException;
import io.sonde.push.PushGatewayMain;
import io.sonde.stack.LocalStack;
import io.sonde.stack.StackConfig;
import io.sonde.stream.StreamProcessorMain;
import io.sonde.testing.BrokerControl;
import io.sonde.testing.RunningResources;
import io.sonde.testing.ServiceOverrides;
import io.sonde.testing.SharedKafka;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The one service lifecycle, seen from outside each of the three services, on a real broker. */
@ExtendWith(SharedKafka.class)
@Timeout(300)
class LifecycleIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void eachServiceRefusesATakenPortClearlyAndLeavesNothingRunning(
            KafkaConfig kafka, @TempDir Path dir) throws Exception {
        Path jwks = DevKeys.loadOrCreate(dir.resolve("keys")).jwksFile();
        Map<String, Function<Config, Service>> services =
                Map.of(
                        IngestGatewayMain.SERVICE, IngestGatewayMain::start,
                        StreamProcessorMain.SERVICE, StreamProcessorMain::start,
                        PushGatewayMain.SERVICE, PushGatewayMain::start);
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            for (var service : services.entrySet()) {
                Map<String, String> flags = new HashMap<>(ServiceOverrides.of(kafka, jwks));
                flags.put("server.port", Integer.toString(taken.getLocalPort()));
                flags.put("sonde.stream.state-dir", dir.resolve("streams").toString());
                Config config = ServiceConfig.of(service.getKey()).flags(flags).load();
                RunningResources before = RunningResources.now();

                assertThatThrownBy(() -> service.getValue().apply(config))
                        .isInstanceOf(ServiceStartException.class)
                        .hasMessageContaining(service.getKey())
                        .hasMessageContaining(":" + taken.getLocalPort())
                        .hasMessageContaining("in use");

                RunningResources.assertNothingLeftSince(before);
            }
        }
    }

    @Test
    void readinessFollowsTheBrokerWhileLivenessStaysUp(
            KafkaConfig kafka, BrokerControl broker, @TempDir Path dir) throws Exception {
        StackConfig config = StackConfig.onCluster(dir, kafka);
        try (LocalStack stack = LocalStack.start(config)) {
            stack.startServices();
            List<Integer> ports = stack.services().stream().map(Service::port).toList();
            awaitEvery(ports, "/observe/health", 200);
            try {
                broker.stop();
                awaitEvery(ports, "/observe/health/ready", 503);
                for (int port : ports) {
                    assertThat(get(port, "/observe/health").body())
                            .contains("\"kafka\":{\"status\":\"DOWN\"");
                    assertThat(get(port, "/observe/health/live").statusCode()).isEqualTo(200);
                }
            } finally {
                broker.start();
            }
            awaitEvery(ports, "/observe/health", 200);
        }
    }

    private static void awaitEvery(List<Integer> ports, String path, int status) {
        for (int port : ports) {
            await().atMost(WAIT)
                    .pollInterval(Duration.ofMillis(200))
                    .untilAsserted(
                            () -> assertThat(get(port, path).statusCode()).isEqualTo(status));
        }
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}

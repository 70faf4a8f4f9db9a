package io.sonde.platform.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.sonde.platform.observability.ObserveService;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ServiceBuilderTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static Config server(int port) {
        return Config.just(
                        ConfigSources.create(
                                Map.of("port", Integer.toString(port), "host", "127.0.0.1")))
                .get("");
    }

    /** A part that records its start and stop into {@code log}. */
    private static AutoCloseable part(List<String> log, String name) {
        log.add("start " + name);
        return () -> log.add("stop " + name);
    }

    @Test
    void writesAnAccessLineForEachRequestWithoutItsToken() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        java.util.logging.Logger access =
                java.util.logging.Logger.getLogger("io.helidon.webserver.AccessLog");
        java.util.logging.Handler capture =
                new java.util.logging.Handler() {
                    @Override
                    public void publish(java.util.logging.LogRecord record) {
                        lines.add(record.getMessage());
                    }

                    @Override
                    public void flush() {}

                    @Override
                    public void close() {}
                };
        access.setLevel(java.util.logging.Level.INFO);
        access.addHandler(capture);
        try (Service service =
                ServiceBuilder.start(
                        "test",
                        s ->
                                s.serve(
                                        server(0),
                                        web ->
                                                web.routing(r ->
                                                        r.get("/v1/x", (q, a) -> a.send("ok")))))) {
            HttpResponse<String> response =
                    HTTP.send(
                            HttpRequest.newBuilder(
                                            URI.create(
                                                    "http://127.0.0.1:"
                                                            + service.port()
                                                            + "/v1/x?access_token=query-secret&a=1"))
                                    .header("Authorization", "Bearer header-secret")
                                    .header("Cookie", "sonde_token=cookie-secret")
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> lines.stream().anyMatch(l -> l.contains("GET /v1/x")));
            assertThat(lines).anyMatch(l -> l.contains("\"GET /v1/x HTTP/1.1\" 200"));
            assertThat(lines).noneMatch(l -> l.contains("secret"));
        } finally {
            access.removeHandler(capture);
        }
    }

    @Test
    void stopsThePartsInReverseOrderOfStartAndExactlyOnce() {
        List<String> log = new CopyOnWriteArrayList<>();
        Service service =
                ServiceBuilder.start(
                        "test",
                        s -> {
                            s.start("a", () -> part(log, "a"));
                            s.start("b", () -> part(log, "b"));
                            s.serve(server(0), web -> web.routing(r -> {}));
                            s.onStop("drain", Duration.ofSeconds(5), () -> log.add("drain"));
                        });
        assertThat(service.port()).isPositive();

        service.close();
        service.close();

        assertThat(log).containsExactly("start a", "start b", "drain", "stop b", "stop a");
    }

    @Test
    void aFailedPartStopsWhatStartedBeforeItAndNamesTheStep() {
        List<String> log = new CopyOnWriteArrayList<>();

        assertThatThrownBy(() ->
                        ServiceBuilder.start(
                                "test",
                                s -> {
                                    s.start("a", () -> part(log, "a"));
                                    s.start(
                                            "producer",
                                            () -> {
                                                throw new IllegalStateException("no key");
                                            });
                                    s.start("c", () -> part(log, "c"));
                                }))
                .isInstanceOf(ServiceStartException.class)
                .hasMessageContaining("test")
                .hasMessageContaining("producer")
                .hasMessageContaining("no key");
        assertThat(log).containsExactly("start a", "stop a");
    }

    @Test
    void aTakenPortIsAClearErrorAndLeavesNothingRunning() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() ->
                            ServiceBuilder.start(
                                    "test",
                                    s -> {
                                        s.start("a", () -> part(log, "a"));
                                        s.serve(server(port), web -> web.routing(r -> {}));
                                    }))
                    .isInstanceOf(ServiceStartException.class)
                    .hasMessageContaining("127.0.0.1:" + port)
                    .hasMessageContaining("in use");
        }
        assertThat(log).containsExactly("start a", "stop a");
    }

    @Test
    void readinessSaysStartingUntilAssembledAndStoppingOnceClosing() throws Exception {
        CountDownLatch inStop = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger port = new AtomicInteger();
        AtomicBoolean readyDuringAssembly = new AtomicBoolean(true);
        Service service =
                ServiceBuilder.start(
                        "test",
                        s -> {
                            ObserveService observe =
                                    new ObserveService(s.observability(), s.health());
                            s.serve(
                                    server(0),
                                    web ->
                                            web.routing(
                                                    r -> r.register(ObserveService.PATH, observe)));
                            readyDuringAssembly.set(s.health().readiness().up());
                            s.onStop(
                                    "slow",
                                    Duration.ofSeconds(30),
                                    () -> {
                                        inStop.countDown();
                                        release.await();
                                    });
                        });
        port.set(service.port());
        assertThat(readyDuringAssembly).isFalse();
        assertThat(get(port.get(), "/observe/health").statusCode()).isEqualTo(200);
        assertThat(get(port.get(), "/observe/health/ready").statusCode()).isEqualTo(200);
        assertThat(get(port.get(), "/observe/health/live").statusCode()).isEqualTo(200);

        Thread closer = Thread.ofPlatform().start(service::close);
        inStop.await();
        HttpResponse<String> stopping = get(port.get(), "/observe/health/ready");
        assertThat(stopping.statusCode()).isEqualTo(503);
        assertThat(stopping.body()).contains("stopping");
        release.countDown();
        closer.join();
    }

    @Test
    void aStopStepThatHangsIsGivenUpAfterItsTimeout() {
        List<String> log = new CopyOnWriteArrayList<>();
        CountDownLatch never = new CountDownLatch(1);
        Service service =
                ServiceBuilder.start(
                        "test",
                        s -> {
                            s.start("a", () -> part(log, "a"));
                            s.serve(server(0), web -> web.routing(r -> {}));
                            s.onStop("stuck", Duration.ofMillis(200), never::await);
                        });

        service.close();

        assertThat(log).containsExactly("start a", "stop a");
        never.countDown();
    }

    @Test
    void anAssemblyWithoutServerIsRefused() {
        assertThatThrownBy(() -> ServiceBuilder.start("test", s -> {}))
                .isInstanceOf(ServiceStartException.class)
                .hasMessageContaining("serve");
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}

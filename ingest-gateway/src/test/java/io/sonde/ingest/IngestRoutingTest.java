package io.sonde.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.sonde.client.device.DeviceHttp;
import io.sonde.client.device.DeviceSocket;
import io.sonde.client.device.WireFormat;
import io.sonde.devtools.DevKeys;
import io.sonde.devtools.TokenIssuer;
import io.sonde.ingest.config.IngestConfig;
import io.sonde.ingest.kafka.TelemetryWriter;
import io.sonde.ingest.transport.ConnectionRegistry;
import io.sonde.platform.security.TokenVerifier;
import io.sonde.proto.v1.Downlink;
import io.sonde.proto.v1.ErrorCode;
import io.sonde.proto.v1.TelemetryBatch;
import io.sonde.proto.v1.TokenRefresh;
import io.sonde.proto.v1.Uplink;
import io.sonde.testing.TestDevice;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's whole route table ({@link IngestGatewayMain#routing}) on a real server on a free
 * port, without Kafka: what the gateway refuses never reaches a writer, and admitted batches go to
 * a writer the test completes by hand, so that "ack only once durable" is observable.
 */
@Timeout(60)
class IngestRoutingTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir Path keyDir;
    private TokenIssuer issuer;
    private HandWriter writer;
    private ConnectionRegistry connections;
    private RoutingServer gateway;

    /** Writes nothing: each batch waits until the test completes its future. */
    private static final class HandWriter implements TelemetryWriter {
        // Bounded by the gateway: it holds at most max-inflight-batches unanswered per connection.
        final LinkedBlockingQueue<CompletableFuture<Void>> pending = new LinkedBlockingQueue<>();

        @Override
        public CompletableFuture<Void> write(
                String deviceId, TelemetryBatch batch, List<byte[]> wire, long now) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            pending.add(f);
            return f;
        }

        @Override
        public void flush() {}

        CompletableFuture<Void> next() throws InterruptedException {
            CompletableFuture<Void> f = pending.poll(10, TimeUnit.SECONDS);
            assertThat(f).as("a batch reached the writer").isNotNull();
            return f;
        }
    }

    @BeforeEach
    void start() {
        start(Map.of());
    }

    // The gateway with this class's limits, and `extra` settings over them.
    private void start(Map<String, String> extra) {
        DevKeys keys = DevKeys.loadOrCreate(keyDir);
        issuer = keys.issuer();
        Map<String, String> settings =
                new HashMap<>(
                        Map.of(
                                "max-message-bytes", "4096",
                                "write-timeout", "300ms",
                                "close-linger", "500ms",
                                "max-connections", "1000",
                                "allowed-origins", "https://dashboard.example",
                                "ping-interval", "500ms"));
        settings.putAll(extra);
        IngestConfig config = IngestConfig.create(Config.just(ConfigSources.create(settings)));
        writer = new HandWriter();
        gateway = new RoutingServer(config, TokenVerifier.of(keys.publicKeys()), writer);
        connections = gateway.connections();
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    private String device(String id) {
        return issuer.device(id, Duration.ofMinutes(5));
    }

    @Test
    void acknowledgesABatchOnlyOnceItsWriteCompletesAndInOrder() throws Exception {
        try (TestDevice dev = TestDevice.connect(gateway.port(), device("dev-a"))) {
            dev.send(Readings.batch(1, 2));
            dev.send(Readings.batch(3, 2));
            CompletableFuture<Void> first = writer.next();
            CompletableFuture<Void> second = writer.next();

            second.complete(null);
            assertThat(dev.pending()).as("no ack while the first write is open").isZero();
            first.complete(null);

            assertThat(dev.next().getAck().getSeq()).isEqualTo(2);
            assertThat(dev.next().getAck().getSeq()).isEqualTo(4);
        }
    }

    @Test
    void answersAJsonDeviceInJson() throws Exception {
        try (TestDevice dev = TestDevice.connect(gateway.port(), device("dev-json"))) {
            dev.sendText(
                    "{\"batch\":{\"readings\":[{\"seq\":\"7\",\"metrics\":{\"humidity\":40.5}}]}}");
            writer.next().complete(null);
            assertThat(dev.next().getAck().getSeq()).isEqualTo(7);
        }
    }

    @Test
    void anInvalidBatchIsRefusedByNameAndTheConnectionStaysOpen() throws Exception {
        try (TestDevice dev = TestDevice.connect(gateway.port(), device("dev-v"))) {
            dev.send(Readings.of(Readings.reading(1, Double.NaN)));
            Downlink error = dev.next();
            assertThat(error.getError().getCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
            assertThat(error.getError().getMessage()).contains("temperature");
            assertThat(writer.pending).isEmpty();
            assertThat(dev.isClosed()).isFalse();
        }
        String metrics = get("/observe/metrics").body();
        assertThat(metrics)
                .containsPattern(
                        meter("sonde_ingest_readings_total", "outcome=\"invalid_argument\"", "1.0"))
                .containsPattern(
                        meter("sonde_ingest_batches_total", "outcome=\"invalid_argument\"", "1.0"))
                .containsPattern(
                        meter(
                                "sonde_ingest_received_bytes_total",
                                "transport=\"websocket\"",
                                "[1-9]"))
                .containsPattern(meter("sonde_ingest_ack_latency_seconds_count", "", "1"));
    }

    @Test
    void refusesMissingWrongAudienceExpiredForeignAndSubjectlessTokensWith1008() throws Exception {
        assertThat(TestDevice.connectWithoutToken(gateway.port()).awaitClose()).isEqualTo(1008);
        String viewer = issuer.viewer("v", List.of("*"), false, Duration.ofMinutes(5));
        assertThat(TestDevice.connect(gateway.port(), viewer).awaitClose()).isEqualTo(1008);
        String expired = issuer.device("dev-x", Duration.ofMinutes(-5));
        assertThat(TestDevice.connect(gateway.port(), expired).awaitClose()).isEqualTo(1008);
        String foreign =
                DevKeys.loadOrCreate(keyDir.resolve("other"))
                        .issuer()
                        .device("dev-x", Duration.ofMinutes(5));
        assertThat(TestDevice.connect(gateway.port(), foreign).awaitClose()).isEqualTo(1008);
        // Correctly signed, but for nobody: no empty device id may reach Kafka.
        String nobody = issuer.device("", Duration.ofMinutes(5));
        assertThat(TestDevice.connect(gateway.port(), nobody).awaitClose()).isEqualTo(1008);
        // Nor one that is no device id: it would become a Kafka key and a channel name.
        String slashed = issuer.device("site/7", Duration.ofMinutes(5));
        assertThat(TestDevice.connect(gateway.port(), slashed).awaitClose()).isEqualTo(1008);
        String lasting = issuer.device("dev-long", Duration.ofDays(30));
        assertThat(TestDevice.connect(gateway.port(), lasting).awaitClose()).isEqualTo(1008);
        assertThat(writer.pending).isEmpty();
    }

    @Test
    void closesGarbageWith1007AndOversizedMessagesWith1009() throws Exception {
        TestDevice garbage = TestDevice.connect(gateway.port(), device("dev-g"));
        garbage.sendBytes(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff});
        assertThat(garbage.awaitClose()).isEqualTo(1007);

        TestDevice badJson = TestDevice.connect(gateway.port(), device("dev-j"));
        badJson.sendText("{not json");
        assertThat(badJson.awaitClose()).isEqualTo(1007);

        TestDevice big = TestDevice.connect(gateway.port(), device("dev-big"));
        big.send(Readings.batch(1, 200));
        assertThat(big.awaitClose()).isEqualTo(1009);
        assertThat(writer.pending).isEmpty();
    }

    @Test
    void repliesInTheEncodingOfTheDevicesLastMessage() throws Exception {
        try (RawDevice raw = RawDevice.connect(gateway.port(), device("dev-mixed"))) {
            raw.sendBinary(Readings.batch(1, 1).toByteArray());
            CompletableFuture<Void> protobuf = writer.next();
            raw.sendText("{\"batch\":{\"readings\":[{\"seq\":\"2\",\"metrics\":{\"t\":1}}]}}");
            CompletableFuture<Void> json = writer.next();
            protobuf.complete(null);
            json.complete(null);

            assertThat(raw.readOpcode())
                    .as("the Ack of the protobuf batch, sent after JSON")
                    .isEqualTo(1);
            assertThat(raw.readOpcode()).isEqualTo(1);
        }
    }

    @Test
    void readsAMessageSentInFragments() throws Exception {
        try (RawDevice raw = RawDevice.connect(gateway.port(), device("dev-frag"))) {
            byte[] binary = Readings.batch(1, 3).toByteArray();
            raw.sendInTwoFrames(false, binary, binary.length / 2);
            writer.next().complete(null);
            assertThat(raw.readOpcode()).as("the Ack, in protobuf").isEqualTo(2);

            byte[] json =
                    "{\"batch\":{\"readings\":[{\"seq\":\"4\",\"metrics\":{\"t\":1}}]}}"
                            .getBytes(StandardCharsets.UTF_8);
            raw.sendInTwoFrames(true, json, 10);
            writer.next().complete(null);
            assertThat(raw.readOpcode()).as("the Ack, in JSON").isEqualTo(1);
        }
    }

    @Test
    void aDeviceStillSendingWhenClosedHearsTheCodeAndIsEndedAfterTheLinger() throws Exception {
        try (RawDevice raw = RawDevice.connect(gateway.port(), device("dev-linger"))) {
            raw.sendBinary(new byte[6_000]); // above the 4,096-byte limit: 1009
            raw.sendBinary(new byte[6_000]); // the device sends on, unaware
            raw.sendBinary(Readings.batch(1, 1).toByteArray()); // too late: never written

            assertThat(raw.readCloseCode()).isEqualTo(1009);
            assertThat(raw.endedByGateway())
                    .as("no close frame back: ended after the linger")
                    .isTrue();
        }
        assertThat(writer.pending).isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> connections.size() == 0);
    }

    @Test
    void aDeviceThatStopsReadingIsCutOffAndOthersCarryOn() throws Exception {
        byte[] bad = Readings.of(Readings.reading(1, Double.NaN)).toByteArray();
        try (RawDevice stuck = RawDevice.connect(gateway.port(), device("dev-stuck"));
                TestDevice ok = TestDevice.connect(gateway.port(), device("dev-ok"))) {
            // Each bad batch earns an Error the device never reads, until the gateway's write to it
            // blocks; the write timeout (300 ms here) then cuts the socket, which ends this loop.
            assertThatThrownBy(
                            () -> {
                                for (int i = 0; i < 1_000_000; i++) {
                                    stuck.sendBinary(bad);
                                }
                            })
                    .isInstanceOf(IOException.class);

            ok.send(Readings.batch(1, 1));
            writer.next().complete(null);
            assertThat(ok.next().getAck().getSeq()).isEqualTo(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> connections.size() == 1);
        }
    }

    @Test
    void aTokenRefreshKeepsTheConnectionPastTheFirstTokensExpiry() throws Exception {
        Instant firstExpiry = Instant.now().plusSeconds(2);
        try (TestDevice refreshed =
                        TestDevice.connect(
                                gateway.port(), issuer.device("dev-r", Duration.ofSeconds(2)));
                TestDevice lapsed =
                        TestDevice.connect(
                                gateway.port(), issuer.device("dev-l", Duration.ofSeconds(2)))) {
            refreshed.send(
                    Uplink.newBuilder()
                            .setTokenRefresh(TokenRefresh.newBuilder().setToken(device("dev-r")))
                            .build());
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Instant.now().isAfter(firstExpiry.plusSeconds(1)));

            refreshed.send(Readings.batch(1, 1));
            writer.next().complete(null);
            assertThat(refreshed.next().getAck().getSeq()).isEqualTo(1);
            assertThat(lapsed.awaitClose()).isEqualTo(1008);
            assertThat(lapsed.closeReason()).contains("expired");
        }
    }

    @Test
    void aThousandDevicesFillTheLimitTheNextGets1013AndDroppedAbruptlyLeaveNone() throws Exception {
        HttpClient shared = HttpClient.newHttpClient();
        List<TestDevice> devices = new ArrayList<>();
        try {
            for (int i = 0; i < 1_000; i++) { // max-connections in this test's config
                devices.add(
                        TestDevice.open(
                                DeviceSocket.to(TestDevice.ingest(gateway.port()))
                                        .token(device("dev-drop-" + i))
                                        .http(shared)));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> connections.size() == 1_000);
            TestDevice oneMore = TestDevice.connect(gateway.port(), device("dev-more"));
            assertThat(oneMore.awaitClose()).isEqualTo(1013);
            assertThat(oneMore.closeReason()).contains("too many connections");
        } finally {
            devices.forEach(TestDevice::abort); // TCP gone, no close frame
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> connections.size() == 0);
    }

    @Test
    void aBrowserPageFromAnotherOriginIsRefusedAtTheUpgradeWith403() throws Exception {
        CompletableFuture<DeviceSocket> foreign =
                DeviceSocket.to(TestDevice.ingest(gateway.port()))
                        .token(device("dev-o"))
                        .header("Origin", "https://evil.example")
                        .connect(
                                new DeviceSocket.Listener() {
                                    @Override
                                    public void downlink(DeviceSocket s, Downlink d) {}
                                });
        assertThatThrownBy(foreign::join)
                .hasCauseInstanceOf(WebSocketHandshakeException.class)
                .satisfies(e ->
                        assertThat(
                                        ((WebSocketHandshakeException) e.getCause())
                                                .getResponse()
                                                .statusCode())
                                .isEqualTo(403));

        try (TestDevice allowed =
                        TestDevice.open(
                                DeviceSocket.to(TestDevice.ingest(gateway.port()))
                                        .token(device("dev-o2"))
                                        .header("Origin", "https://dashboard.example"));
                TestDevice noOrigin = TestDevice.connect(gateway.port(), device("dev-o3"))) {
            allowed.send(Readings.batch(1, 1));
            writer.next().complete(null);
            assertThat(allowed.next().getAck().getSeq()).isEqualTo(1);
            noOrigin.send(Readings.batch(1, 1));
            writer.next().complete(null);
            assertThat(noOrigin.next().getAck().getSeq()).as("devices send no Origin").isEqualTo(1);
        }
    }

    @Test
    void beyondItsCapPerSourceAddressADeviceIsClosedWith1013() throws Exception {
        stop();
        start(Map.of("max-connections-per-address", "2"));
        try (TestDevice a = TestDevice.connect(gateway.port(), device("dev-a1"));
                TestDevice b = TestDevice.connect(gateway.port(), device("dev-a2"))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> connections.size() == 2);
            TestDevice third = TestDevice.connect(gateway.port(), device("dev-a3"));
            assertThat(third.awaitClose()).isEqualTo(1013);
            assertThat(third.closeReason()).contains("address");
            b.abort();
            await().atMost(Duration.ofSeconds(10)).until(() -> connections.size() == 1);
            try (TestDevice again = TestDevice.connect(gateway.port(), device("dev-a4"))) {
                again.send(Readings.batch(1, 1));
                writer.next().complete(null);
                assertThat(again.next().getAck().getSeq())
                        .as("a freed place is usable")
                        .isEqualTo(1);
            }
        }
    }

    @Test
    void theHttpPathRefusesBadRequestsWithTheirStatus() throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + gateway.port() + "/v1/telemetry");
        DeviceHttp http = new DeviceHttp(HTTP, uri, WireFormat.PROTOBUF);
        byte[] batch = Readings.batch(1, 1).getBatch().toByteArray();

        assertThat(http.postWithoutToken("application/x-protobuf", batch).status()).isEqualTo(401);
        assertThat(http.post("not-a-jwt", "application/x-protobuf", batch).status()).isEqualTo(401);
        assertThat(http.post(device("d"), "text/plain", batch).status()).isEqualTo(415);
        assertThat(http.post(device("d"), "application/x-protobuf", new byte[8192]).status())
                .isEqualTo(413);
        DeviceHttp.Response invalid =
                http.post(device("d"), Readings.of(Readings.reading(1, Double.NaN)).getBatch());
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.code()).contains("INVALID_ARGUMENT");
        assertThat(writer.pending).isEmpty();
    }

    @Test
    void servesLivenessAndMetricsAndNoUnknownRoute() throws Exception {
        assertThat(get("/observe/health/live").statusCode()).isEqualTo(200);
        assertThat(get("/observe/metrics").body()).contains("sonde_ingest_connections");
        assertThat(get("/v1/nothing").statusCode()).isEqualTo(404);
    }

    // A Prometheus line of `name` whose labels include `label`, with a value starting `value`.
    private static String meter(String name, String label, String value) {
        return name + "\\{[^}]*" + label + "[^}]*} " + value;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}

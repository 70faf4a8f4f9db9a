package io.sonde.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.sonde.client.device.DeviceHttp;
import io.sonde.client.device.DeviceSocket;
import io.sonde.client.device.WireFormat;
import io.sonde.devtools.DevKeys;
import io.sonde.devtools.TokenIssuer;
import io.sonde.platform.config.ServiceConfig;
import io.sonde.platform.kafka.KafkaConfig;
import io.sonde.platform.service.Service;
import io.sonde.proto.v1.Downlink;
import io.sonde.proto.v1.ErrorCode;
import io.sonde.proto.v1.Reading;
import io.sonde.proto.v1.TelemetryRecord;
import io.sonde.proto.v1.TokenRefresh;
import io.sonde.proto.v1.Uplink;
import io.sonde.testing.BrokerControl;
import io.sonde.testing.Metrics;
import io.sonde.testing.ServiceOverrides;
import io.sonde.testing.SharedKafka;
import io.sonde.testing.TestDevice;
import io.sonde.testing.TopicProbe;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(SharedKafka.class)
@Timeout(120)
class IngestGatewayIT {
    @TempDir static Path keysDir;
    static DevKeys keys;
    static TokenIssuer issuer;

    @BeforeAll
    static void keys() {
        keys = DevKeys.loadOrCreate(keysDir);
        issuer = keys.issuer();
    }

    static Service start(KafkaConfig kafka, Map<String, String> extra) {
        Map<String, String> o = new HashMap<>(ServiceOverrides.of(kafka, keys.jwksFile()));
        o.putAll(extra);
        return IngestGatewayMain.start(ServiceConfig.of(IngestGatewayMain.SERVICE).flags(o).load());
    }

    static String device(String id) {
        return issuer.device(id, Duration.ofMinutes(5));
    }

    @Test
    void acknowledgesBatchesOnlyOnceTheyAreInKafkaUnderTheTokensDeviceId(KafkaConfig kafka)
            throws Exception {
        try (Service gw = start(kafka, Map.of());
                TestDevice dev = TestDevice.connect(gw.port(), device("dev-a"));
                TopicProbe<String, TelemetryRecord> probe =
                        new TopicProbe<>(kafka, kafka.topics().telemetry())) {
            dev.send(Readings.batch(1, 3));
            dev.send(Readings.batch(4, 2));

            assertThat(dev.next().getAck().getSeq()).isEqualTo(3);
            assertThat(dev.next().getAck().getSeq()).isEqualTo(5);
            await().atMost(Duration.ofSeconds(30)).until(() -> probe.poll().size() == 5);
            List<ConsumerRecord<String, TelemetryRecord>> records = probe.poll();
            assertThat(records).allSatisfy(r -> assertThat(r.key()).isEqualTo("dev-a"));
            assertThat(records).extracting(r -> r.value().getDeviceId()).containsOnly("dev-a");
            assertThat(records)
                    .extracting(r -> r.value().getSeq())
                    .containsExactly(1L, 2L, 3L, 4L, 5L);
            assertThat(records.get(0).value().getMetricsMap()).containsEntry("temperature", 20.0);
            Header traceparent = records.get(0).headers().lastHeader("traceparent");
            assertThat(traceparent).isNotNull();
            assertThat(new String(traceparent.value(), StandardCharsets.UTF_8))
                    .matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
        }
    }

    @Test
    void continuesTheDevicesTraceWhenAReadingCarriesATraceparent(KafkaConfig kafka)
            throws Exception {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        Reading r =
                Readings.reading(1, 1).toBuilder()
                        .setTraceparent("00-" + traceId + "-00f067aa0ba902b7-01")
                        .build();
        try (Service gw = start(kafka, Map.of());
                TestDevice dev = TestDevice.connect(gw.port(), device("dev-t"));
                TopicProbe<String, TelemetryRecord> probe =
                        new TopicProbe<>(kafka, kafka.topics().telemetry())) {
            dev.send(Readings.of(r));
            assertThat(dev.next().hasAck()).isTrue();
            await().atMost(Duration.ofSeconds(30)).until(() -> probe.poll().size() == 1);
            Header h = probe.poll().get(0).headers().lastHeader("traceparent");
            assertThat(new String(h.value(), StandardCharsets.UTF_8)).contains(traceId);
        }
    }

    @Test
    void aBatchThatFailsPartWayLeavesNoneOfItsReadingsInKafka(KafkaConfig kafka) throws Exception {
        // Each record its own request, and a topic that refuses records over 1 KiB: written
        // record by record, the readings before and after the large one would be in the log.
        Map<String, String> oneByOne =
                Map.of(
                        "sonde.kafka.producer.batch.size", "1",
                        "sonde.kafka.producer.compression.type", "none");
        try (Service gw = start(kafka, oneByOne);
                Admin admin = Admin.create(kafka.adminProperties("whole-batch-test"));
                TestDevice dev = TestDevice.connect(gw.port(), device("dev-whole"));
                TopicProbe<String, TelemetryRecord> probe =
                        new TopicProbe<>(kafka, kafka.topics().telemetry())) {
            ConfigResource topic =
                    new ConfigResource(
                            ConfigResource.Type.TOPIC, kafka.topics().telemetry().name());
            AlterConfigOp small =
                    new AlterConfigOp(
                            new ConfigEntry("max.message.bytes", "1024"), AlterConfigOp.OpType.SET);
            admin.incrementalAlterConfigs(Map.of(topic, List.of(small))).all().get();
            Reading.Builder large = Readings.reading(2, 1).toBuilder();
            for (int i = 0; i < 12; i++) {
                large.putAttributes("a" + i, "x".repeat(200));
            }

            dev.send(Readings.of(Readings.reading(1, 1), large.build(), Readings.reading(3, 1)));
            Downlink refused = dev.next();
            dev.send(Readings.batch(4, 2));

            assertThat(refused.getError().getCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
            assertThat(refused.getError().getMessage()).contains("larger than the telemetry topic");
            assertThat(dev.next().getAck().getSeq()).isEqualTo(5);
            // The device's readings share a partition: had 1 or 3 been committed, they would be
            // read before 4 and 5.
            await().atMost(Duration.ofSeconds(30)).until(() -> probe.poll().size() >= 2);
            assertThat(probe.poll()).extracting(r -> r.value().getSeq()).containsExactly(4L, 5L);
        }
    }

    @Test
    void speaksTlsWhenACertificateIsConfigured(KafkaConfig kafka, @TempDir Path dir)
            throws Exception {
        Path keystore = dir.resolve("gateway.p12");
        selfSigned(keystore, "-keyalg", "EC", "-groupname", "secp256r1");
        Map<String, String> tls =
                Map.of(
                        "server.tls.private-key.keystore.resource.path",
                        keystore.toString(),
                        "server.tls.private-key.keystore.passphrase",
                        "changeit",
                        "server.tls.private-key.keystore.key.alias",
                        "gateway");
        HttpClient trusting = HttpClient.newBuilder().sslContext(trusting(keystore)).build();
        try (Service gw = start(kafka, tls)) {
            URI wss = URI.create("wss://127.0.0.1:" + gw.port() + "/v1/ingest");
            try (TestDevice dev =
                    TestDevice.open(DeviceSocket.to(wss).token(device("dev-tls")).http(trusting))) {
                dev.send(Readings.batch(1, 2));
                assertThat(dev.next().getAck().getSeq()).isEqualTo(2);
            }
            URI https = URI.create("https://127.0.0.1:" + gw.port() + "/v1/telemetry");
            DeviceHttp.Response posted =
                    new DeviceHttp(trusting, https, WireFormat.PROTOBUF)
                            .post(device("dev-tls-http"), Readings.batch(1, 1).getBatch());
            assertThat(posted.status()).isEqualTo(200);

            URI plain = URI.create("http://127.0.0.1:" + gw.port() + "/v1/telemetry");
            assertThatThrownBy(() ->
                            new DeviceHttp(HttpClient.newHttpClient(), plain, WireFormat.PROTOBUF)
                                    .post(device("dev-plain"), Readings.batch(1, 1).getBatch()))
                    .as("plain HTTP on the TLS port")
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void takesTheTlsKeyAndCertificateAsPemFiles(KafkaConfig kafka, @TempDir Path dir)
            throws Exception {
        Path keystore = dir.resolve("gateway.p12");
        selfSigned(keystore, "-keyalg", "RSA", "-keysize", "2048");
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, "changeit".toCharArray());
        }
        Path key =
                pem(
                        dir.resolve("key.pem"),
                        "PRIVATE KEY",
                        store.getKey("gateway", "changeit".toCharArray()).getEncoded());
        Path cert =
                pem(
                        dir.resolve("cert.pem"),
                        "CERTIFICATE",
                        store.getCertificate("gateway").getEncoded());
        Map<String, String> tls =
                Map.of(
                        "server.tls.private-key.pem.key.resource.path", key.toString(),
                        "server.tls.private-key.pem.cert-chain.resource.path", cert.toString());
        HttpClient trusting = HttpClient.newBuilder().sslContext(trusting(keystore)).build();
        try (Service gw = start(kafka, tls)) {
            URI https = URI.create("https://127.0.0.1:" + gw.port() + "/v1/telemetry");
            DeviceHttp.Response posted =
                    new DeviceHttp(trusting, https, WireFormat.PROTOBUF)
                            .post(device("dev-pem"), Readings.batch(1, 1).getBatch());
            assertThat(posted.status()).isEqualTo(200);
        }
    }

    private static Path pem(Path file, String type, byte[] der) throws IOException {
        String body =
                Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der);
        return Files.writeString(
                file, "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n");
    }

    // A PKCS#12 keystore at `keystore` with a self-signed certificate for 127.0.0.1 (alias
    // "gateway", password "changeit"), its key made with the JDK's keytool and `keyArgs`.
    private static void selfSigned(Path keystore, String... keyArgs) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(
                List.of(
                        "-genkeypair",
                        "-alias",
                        "gateway",
                        "-dname",
                        "CN=127.0.0.1",
                        "-ext",
                        "SAN=ip:127.0.0.1",
                        "-validity",
                        "2",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        keystore.toString(),
                        "-storepass",
                        "changeit",
                        "-keypass",
                        "changeit"));
        command.addAll(List.of(keyArgs));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(output).isZero();
    }

    private static SSLContext trusting(Path keystore) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, "changeit".toCharArray());
        }
        TrustManagerFactory trust =
                TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    @Test
    void whileKafkaIsDownBatchesGetUnavailableAnd503ThenTheResendIsWritten(
            KafkaConfig kafka, BrokerControl broker) throws Exception {
        try (Service gw = start(kafka, Map.of());
                TestDevice dev = TestDevice.connect(gw.port(), device("dev-outage"));
                TopicProbe<String, TelemetryRecord> probe =
                        new TopicProbe<>(kafka, kafka.topics().telemetry())) {
            dev.send(Readings.batch(1, 1));
            assertThat(dev.next().getAck().getSeq()).isEqualTo(1);
            URI http = URI.create("http://127.0.0.1:" + gw.port() + "/v1/telemetry");
            DeviceHttp.Response posted;
            Downlink refused;
            try {
                broker.stop();
                dev.send(Readings.batch(2, 2));
                refused = dev.next();
                posted =
                        new DeviceHttp(HttpClient.newHttpClient(), http, WireFormat.PROTOBUF)
                                .post(device("dev-outage-http"), Readings.batch(1, 1).getBatch());
            } finally {
                broker.start();
            }

            assertThat(refused.getError().getCode()).isEqualTo(ErrorCode.UNAVAILABLE);
            assertThat(refused.getError().getRetryAfterMs()).isPositive();
            assertThat(posted.status()).isEqualTo(503);
            assertThat(posted.code()).contains("UNAVAILABLE");
            assertThat(posted.retryAfterSeconds().orElse(0)).as("Retry-After, s").isPositive();
            // The device resends what was refused; Kafka is back, so it is written once.
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> {
                        dev.send(Readings.batch(2, 2));
                        assertThat(dev.next().getAck().getSeq()).isEqualTo(3);
                    });
            await().atMost(Duration.ofSeconds(30))
                    .until(() ->
                            probe.poll().stream()
                                    .filter(r -> r.key().equals("dev-outage"))
                                    .map(r -> r.value().getSeq())
                                    .toList()
                                    .equals(List.of(1L, 2L, 3L)));
        }
    }

    @Test
    void aResendOfAcknowledgedReadingsIsAcknowledgedAgainButNotRewritten(KafkaConfig kafka)
            throws Exception {
        try (Service gw = start(kafka, Map.of());
                TestDevice dev = TestDevice.connect(gw.port(), device("dev-r"));
                TopicProbe<String, TelemetryRecord> probe =
                        new TopicProbe<>(kafka, kafka.topics().telemetry())) {
            dev.send(Readings.batch(10, 2));
            assertThat(dev.next().getAck().getSeq()).isEqualTo(11);
            dev.send(Readings.batch(10, 2));
            assertThat(dev.next().getAck().getSeq()).isEqualTo(11);
            dev.send(Readings.batch(12, 1));
            assertThat(dev.next().getAck().getSeq()).isEqualTo(12);
            await().atMost(Duration.ofSeconds(30)).until(() -> probe.poll().size() == 3);
            assertThat(probe.values())
                    .extracting(TelemetryRecord::getSeq)
                    .containsExactly(10L, 11L, 12L);
        }
    }

    @Test
    void aBadBatchGetsInvalidArgumentNamingTheFieldAndTheConnectionStaysOpen(KafkaConfig kafka)
            throws Exception {
        try (Service gw = start(kafka, Map.of());
                TestDevice dev = TestDevice.connect(gw.port(), device("dev-b"))) {
            dev.send(Readings.of(Readings.reading(1, 1), Readings.reading(2, Double.NaN)));
            Downlink error = dev.next();
            assertThat(error.getError().getCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
            assertThat(error.getError().getMessage())
                    .contains("readings[1].metrics[\"temperature\"]")
                    .contains("finite");
            assertThat(error.getError().getSeq()).isEqualTo(1);

            dev.send(
                    Readings.of(
                            Readings.reading(3, 1).toBuilder().putMetrics("bad name!", 1).build()));
            assertThat(dev.next().getError().getMessage())
                    .contains("readings[0].metrics[\"bad name!\"]");

            dev.send(Readings.batch(4, 1));
            assertThat(dev.next().getAck().getSeq()).isEqualTo(4);
            assertThat(dev.isClosed()).isFalse();
        }
    }

    @Test
    void aTokenRefreshForAnotherDeviceIsRefused(KafkaConfig kafka) throws Exception {
        try (Service gw = start(kafka, Map.of());
                TestDevice dev = TestDevice.connect(gw.port(), device("dev-1"))) {
            dev.send(
                    Uplink.newBuilder()
                            .setTokenRefresh(TokenRefresh.newBuilder().setToken(device("dev-1")))
                            .build());
            dev.send(Readings.batch(1, 1));
            assertThat(dev.next().getAck().getSeq()).isEqualTo(1);
            dev.send(
                    Uplink.newBuilder()
                            .setTokenRefresh(TokenRefresh.newBuilder().setToken(device("dev-2")))
                            .build());
            assertThat(dev.awaitClose()).isEqualTo(1008);
        }
    }

    @Test
    void speaksJsonToADeviceThatSendsText(KafkaConfig kafka) throws Exception {
        try (Service gw = start(kafka, Map.of());
                TestDevice dev = TestDevice.connect(gw.port(), device("dev-json"))) {
            dev.sendText(
                    "{\"batch\":{\"readings\":[{\"seq\":\"7\",\"metrics\":{\"humidity\":40.5}}]}}");
            assertThat(dev.next().getAck().getSeq()).isEqualTo(7);
        }
    }

    @Test
    void overTheRateLimitABatchIsRefusedWithRetryAfterAndNotWritten(KafkaConfig kafka)
            throws Exception {
        Map<String, String> slow =
                Map.of(
                        "sonde.ingest.rate-limit.readings-per-second", "1",
                        "sonde.ingest.rate-limit.readings-burst", "5");
        try (Service gw = start(kafka, slow);
                TestDevice dev = TestDevice.connect(gw.port(), device("dev-rl"));
                TopicProbe<String, TelemetryRecord> probe =
                        new TopicProbe<>(kafka, kafka.topics().telemetry())) {
            dev.send(Readings.batch(1, 5));
            assertThat(dev.next().getAck().getSeq()).isEqualTo(5);
            dev.send(Readings.batch(6, 5));
            Downlink refused = dev.next();
            assertThat(refused.getError().getCode()).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
            assertThat(refused.getError().getRetryAfterMs()).isBetween(1000, 6000);
            assertThat(refused.getError().getSeq()).isEqualTo(6);
            await().during(Duration.ofSeconds(1))
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> probe.poll().size() == 5);
        }
    }

    @Test
    void neverAcknowledgesPastARefusedBatchSoItsResendIsWritten(KafkaConfig kafka)
            throws Exception {
        Map<String, String> limit =
                Map.of(
                        "sonde.ingest.rate-limit.readings-per-second", "5",
                        "sonde.ingest.rate-limit.readings-burst", "5");
        try (Service gw = start(kafka, limit);
                TestDevice dev = TestDevice.connect(gw.port(), device("dev-hole"));
                TopicProbe<String, TelemetryRecord> probe =
                        new TopicProbe<>(kafka, kafka.topics().telemetry())) {
            dev.send(Readings.batch(1, 5));
            assertThat(dev.next().getAck().getSeq()).isEqualTo(5);
            dev.send(Readings.batch(6, 5));
            assertThat(dev.next().getError().getCode()).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
            dev.send(Readings.batch(11, 2));
            Downlink later = dev.next();
            assertThat(later.getError().getMessage()).contains("seq 6 was refused");

            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(300))
                    .until(() -> {
                        dev.send(Readings.batch(6, 5));
                        return dev.next().getAck().getSeq() == 10;
                    });
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(300))
                    .until(() -> {
                        dev.send(Readings.batch(11, 2));
                        return dev.next().getAck().getSeq() == 12;
                    });
            await().atMost(Duration.ofSeconds(30)).until(() -> probe.poll().size() == 12);
            assertThat(probe.values())
                    .extracting(TelemetryRecord::getSeq)
                    .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L);
        }
    }

    @Test
    void releasesConnectionsOfClientsThatVanishWithoutAClose(KafkaConfig kafka) throws Exception {
        Map<String, String> fastHeartbeat =
                Map.of("sonde.ingest.ping-interval", "1s", "sonde.ingest.idle-timeout", "5s");
        try (Service gw = start(kafka, fastHeartbeat)) {
            List<TestDevice> clients = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                clients.add(TestDevice.connect(gw.port(), device("dev-v" + i)));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> connectionsGauge(gw) == 50.0);
            assertThat(connectionsGauge(gw)).isEqualTo(50.0);
            System.gc(); // the gauge must survive a collection (Micrometer holds targets weakly)
            assertThat(connectionsGauge(gw)).isEqualTo(50.0);
            clients.forEach(TestDevice::abort);
            await().atMost(Duration.ofSeconds(60)).until(() -> connectionsGauge(gw) == 0.0);
        }
    }

    private static double connectionsGauge(Service gw) throws Exception {
        return gauge(gw, "sonde_ingest_connections");
    }

    static double gauge(Service gw, String name) {
        return Metrics.value(gw.port(), name);
    }

    @Test
    void closeSendsTheAcksTrulyOwedThenClosesWith1001(KafkaConfig kafka) throws Exception {
        // A transaction that would gather batches for a minute: the ack is owed when close
        // begins, and only the commit at shutdown can make it durable within the 10 s grace.
        Service gw = start(kafka, Map.of("sonde.ingest.transaction-linger", "60s"));
        TestDevice dev = TestDevice.connect(gw.port(), device("dev-s"));
        try (TopicProbe<String, TelemetryRecord> probe =
                new TopicProbe<>(kafka, kafka.topics().telemetry())) {
            dev.send(Readings.batch(1, 3));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> gauge(gw, "sonde_ingest_batches_inflight") == 1.0);
            assertThat(dev.pending()).isZero();

            gw.close();

            assertThat(dev.next().getAck().getSeq()).isEqualTo(3);
            assertThat(dev.awaitClose()).isEqualTo(1001);
            await().atMost(Duration.ofSeconds(30)).until(() -> probe.poll().size() == 3);
        }
    }
}

package io.sonde.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import io.sonde.client.device.WireFormat;
import io.sonde.devtools.TokenIssuer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SimulatorIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final AtomicInteger tokenSerial = new AtomicInteger();
    private FakeIngestServer server;

    @BeforeEach
    void startServer() {
        server = new FakeIngestServer();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private SimulatorConfig.Builder options(int devices, double rate) {
        return SimulatorConfig.builder(server.url(), id -> id + "#" + tokenSerial.incrementAndGet())
                .devices(devices)
                .rate(rate)
                .batchInterval(Duration.ofMillis(100))
                .reconnect(Duration.ofMillis(50), Duration.ofMillis(500));
    }

    private static void assertStrictlyIncreasing(List<Long> seqs) {
        for (int i = 1; i < seqs.size(); i++) {
            assertThat(seqs.get(i)).as("seq #%d", i).isGreaterThan(seqs.get(i - 1));
        }
    }

    @Test
    void everyReadingIsAckedAndSeqIncreasesPerDevice() {
        long before = System.currentTimeMillis() * 1_000;
        SimulationReport report;
        try (Simulator simulator = Simulator.start(options(3, 20).build())) {
            await().atMost(WAIT).until(() -> simulator.report().readingsAcked() >= 150);
            assertThat(simulator.report().connected()).isEqualTo(3);
            report = simulator.stop();
        }

        assertThat(report.readingsSent()).isGreaterThanOrEqualTo(150);
        assertThat(report.readingsAcked()).isEqualTo(report.readingsSent());
        assertThat(report.readingsAcked()).isEqualTo(server.writtenCount());
        assertThat(report.readingsDropped()).isZero();
        assertThat(report.rejectedBatches()).isEmpty();
        assertThat(report.ackLatency().batches()).isPositive();
        assertThat(report.ackLatency().max()).isGreaterThanOrEqualTo(report.ackLatency().p50());
        assertThat(report.throughput()).isPositive();
        assertThat(server.written.keySet()).containsExactlyInAnyOrder("sim-1", "sim-2", "sim-3");
        for (String device : server.written.keySet()) {
            assertStrictlyIncreasing(server.written(device));
            // Seq starts at epoch microseconds, so a restarted simulator continues above.
            assertThat(server.written(device).getFirst()).isGreaterThanOrEqualTo(before);
        }
        assertThat(server.received).noneMatch(FakeIngestServer.Received::text);
        await().atMost(WAIT).untilAsserted(() -> assertThat(server.openSessions).hasValue(0));
        assertThat(report.connected()).isZero();
    }

    @Test
    void aRestartedSimulatorContinuesAboveTheLastSeq() {
        try (Simulator first = Simulator.start(options(1, 50).build())) {
            await().atMost(WAIT).until(() -> first.report().readingsAcked() >= 20);
        }
        long lastOfFirstRun = server.written("sim-1").getLast();
        try (Simulator second = Simulator.start(options(1, 50).build())) {
            await().atMost(WAIT).until(() -> second.report().readingsAcked() >= 20);
        }

        assertThat(server.written("sim-1")).contains(lastOfFirstRun);
        assertStrictlyIncreasing(server.written("sim-1"));
    }

    @Test
    void rejectedBatchIsResentAfterRetryAfterAndAcked() {
        server.retryAfterMs = 400;
        try (Simulator simulator = Simulator.start(options(1, 10).build())) {
            await().atMost(WAIT).until(() -> simulator.report().readingsAcked() >= 10);
            server.rejectNext.set(1);
            await().atMost(WAIT).until(() -> !server.rejections.isEmpty());
            FakeIngestServer.Received rejected = server.rejections.peek();
            await().atMost(WAIT).until(() -> server.written("sim-1").contains(rejected.firstSeq()));
            SimulationReport report = simulator.stop();

            FakeIngestServer.Received resent =
                    server.received.stream()
                            .filter(r -> r.firstSeq() == rejected.firstSeq() && r != rejected)
                            .findFirst()
                            .orElseThrow();
            assertThat(Duration.ofNanos(resent.atNanos() - rejected.atNanos()))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(400));
            assertThat(report.rejectedBatches()).containsEntry("RESOURCE_EXHAUSTED", 1L);
            assertThat(report.batchesResent()).isEqualTo(1);
            assertThat(report.readingsAcked()).isEqualTo(report.readingsSent());
            assertStrictlyIncreasing(server.written("sim-1"));
        }
    }

    @Test
    void reconnectsWithAFreshTokenAfterClose1008() {
        try (Simulator simulator = Simulator.start(options(1, 10).build())) {
            await().atMost(WAIT).until(() -> simulator.report().readingsAcked() >= 5);
            server.closeNextWith.set(1008);
            await().atMost(WAIT).until(() -> simulator.report().reconnects() >= 1);
            long ackedAtReconnect = simulator.report().readingsAcked();
            await().atMost(WAIT)
                    .until(() -> simulator.report().readingsAcked() >= ackedAtReconnect + 10);
            SimulationReport report = simulator.stop();

            assertThat(server.tokens)
                    .hasSize(2)
                    .doesNotHaveDuplicates()
                    .allMatch(t -> t.startsWith("sim-1#"));
            assertThat(report.readingsAcked()).isEqualTo(report.readingsSent());
            assertStrictlyIncreasing(server.written("sim-1"));
        }
    }

    @Test
    void refreshesAShortLivedTokenBeforeItExpires() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("test").generate();
        TokenIssuer issuer = new TokenIssuer(key);
        SimulatorConfig options =
                SimulatorConfig.builder(
                                server.url(), id -> issuer.device(id, Duration.ofSeconds(3)))
                        .devices(1)
                        .rate(5)
                        .build();
        try (Simulator simulator = Simulator.start(options)) {
            await().atMost(WAIT).until(() -> !server.refreshedTokens.isEmpty());

            String first = server.tokens.peek();
            String refreshed = server.refreshedTokens.peek();
            assertThat(refreshed).isNotEqualTo(first);
            assertThat(SignedJWT.parse(refreshed).getJWTClaimsSet().getSubject())
                    .isEqualTo("sim-1");
            assertThat(simulator.report().reconnects()).isZero();
        }
    }

    @Test
    void resendsTheUnackedBatchAfterTheConnectionDrops() {
        try (Simulator simulator = Simulator.start(options(1, 10).build())) {
            await().atMost(WAIT).until(() -> simulator.report().readingsAcked() >= 5);
            server.closeNextWith.set(1011);
            await().atMost(WAIT).until(() -> !server.closedOn.isEmpty());
            long unacked = server.closedOn.peek().firstSeq();
            await().atMost(WAIT).until(() -> server.written("sim-1").contains(unacked));
            SimulationReport report = simulator.stop();

            assertThat(server.received).filteredOn(r -> r.firstSeq() == unacked).hasSize(2);
            assertThat(report.reconnects()).isEqualTo(1);
            assertThat(report.batchesResent()).isGreaterThanOrEqualTo(1);
            assertThat(report.readingsAcked()).isEqualTo(report.readingsSent());
            assertStrictlyIncreasing(server.written("sim-1"));
        }
    }

    @Test
    void openLoopDropsWhatCannotBeSentWhenAcksStop() {
        server.silent.set(true);
        try (Simulator simulator =
                Simulator.start(
                        options(1, 10).maxUnackedBatches(4).drainTimeout(Duration.ZERO).build())) {
            await().atMost(WAIT).until(() -> simulator.report().readingsDropped() >= 5);
            SimulationReport report = simulator.stop();

            assertThat(server.received).hasSize(4);
            assertThat(report.readingsSent())
                    .isEqualTo(
                            server.received.stream()
                                    .mapToLong(r -> r.lastSeq() - r.firstSeq() + 1)
                                    .sum());
            assertThat(report.readingsAcked()).isZero();
            assertThat(report.summary()).contains("no batch acked");
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(server.openSessions).hasValue(0));
    }

    @Test
    void speaksProto3JsonInTextFrames() {
        try (Simulator simulator = Simulator.start(options(2, 5).format(WireFormat.JSON).build())) {
            await().atMost(WAIT).until(() -> simulator.report().readingsAcked() >= 10);
            SimulationReport report = simulator.stop();

            assertThat(server.received).isNotEmpty().allMatch(FakeIngestServer.Received::text);
            assertThat(report.readingsAcked()).isEqualTo(report.readingsSent());
        }
    }

    @Test
    void stopsByItselfAfterItsDurationAndReleasesEverything() throws Exception {
        try (Simulator simulator =
                Simulator.start(options(5, 5).duration(Duration.ofSeconds(1)).build())) {
            SimulationReport report = simulator.awaitCompletion(WAIT).orElseThrow();

            assertThat(report.elapsed()).isBetween(Duration.ofMillis(900), Duration.ofSeconds(5));
            assertThat(report.readingsAcked()).isEqualTo(report.readingsSent()).isPositive();
            assertThat(report.connected()).isZero();
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(server.openSessions).hasValue(0));
        assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(t -> t.getName().startsWith("sonde-sim-"));
    }

    @Test
    void buffersWhileTheGatewayIsDownAndDeliversWhenItComesBack() {
        int port = server.port();
        try (Simulator simulator = Simulator.start(options(2, 10).maxUnackedBatches(16).build())) {
            await().atMost(WAIT).until(() -> simulator.report().readingsAcked() >= 20);
            server.close();
            await().atMost(WAIT).until(() -> simulator.report().readingsDropped() > 0);
            assertThat(simulator.report().connected()).isZero();

            server = new FakeIngestServer(port);
            await().atMost(WAIT).until(() -> server.written("sim-1").size() >= 16);
            SimulationReport report = simulator.stop();

            assertThat(report.reconnects()).isGreaterThanOrEqualTo(2);
            assertThat(report.readingsAcked()).isEqualTo(report.readingsSent());
            // The queued batches arrive in seq order after the outage.
            assertStrictlyIncreasing(server.written("sim-1"));
            assertStrictlyIncreasing(server.written("sim-2"));
        }
    }
}

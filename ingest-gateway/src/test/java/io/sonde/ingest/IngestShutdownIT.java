package io.sonde.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sonde.devtools.DevKeys;
import io.sonde.platform.kafka.KafkaConfig;
import io.sonde.proto.v1.Downlink;
import io.sonde.proto.v1.TelemetryRecord;
import io.sonde.testing.Metrics;
import io.sonde.testing.ServiceOverrides;
import io.sonde.testing.ServiceProcess;
import io.sonde.testing.SharedKafka;
import io.sonde.testing.TestDevice;
import io.sonde.testing.TopicProbe;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The gateway as its own process, stopped the way a container platform stops it: SIGTERM. */
@ExtendWith(SharedKafka.class)
@Timeout(180)
class IngestShutdownIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static Downlink nextOrExplain(TestDevice device, ServiceProcess gateway)
            throws InterruptedException {
        try {
            return device.next();
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; gateway output:\n" + gateway.output(), e);
        }
    }

    @Test
    void sigtermSendsTheAcksTrulyOwedThenClosesDevicesWith1001(KafkaConfig kafka, @TempDir Path dir)
            throws Exception {
        DevKeys keys = DevKeys.loadOrCreate(dir.resolve("keys"));
        Map<String, String> settings = new HashMap<>(ServiceOverrides.of(kafka, keys.jwksFile()));
        // The transaction would gather batches for a minute: when SIGTERM arrives the ack is
        // owed, and only the gateway's stop sequence (commit, then acks, then 1001) delivers it.
        settings.put("sonde.ingest.transaction-linger", "60s");
        try (ServiceProcess gateway =
                ServiceProcess.start(IngestGatewayMain.class, settings, dir)) {
            int port = gateway.awaitReady(WAIT);
            TestDevice device =
                    TestDevice.connect(
                            port, keys.issuer().device("dev-term", Duration.ofMinutes(5)));
            device.send(Readings.batch(1, 3));
            await().atMost(WAIT)
                    .until(() -> Metrics.value(port, "sonde_ingest_batches_inflight") == 1.0);
            assertThat(device.pending()).as("nothing answered before the signal").isZero();

            gateway.terminate();

            assertThat(gateway.awaitExit(WAIT)).as(gateway.output()).isEqualTo(143);
            assertThat(nextOrExplain(device, gateway).getAck().getSeq()).isEqualTo(3);
            assertThat(device.awaitClose()).isEqualTo(1001);
            assertThat(gateway.output()).contains("ingest-gateway stopped");
        }
        // The gateway created the topics; an independent reader finds the three readings.
        try (TopicProbe<String, TelemetryRecord> probe =
                new TopicProbe<>(kafka, kafka.topics().telemetry())) {
            await().atMost(WAIT).until(() -> probe.poll().size() == 3);
        }
    }
}

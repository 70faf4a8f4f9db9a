package io.sonde.stream.processor;

import static io.sonde.stream.processor.TopologyFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.sonde.proto.v1.Aggregate;
import io.sonde.proto.v1.DeviceState;
import io.sonde.stream.config.StreamConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Dedup by (device, seq), device state once per commit, offline, the metric-name cap. */
@Timeout(60)
class DeviceTopologyTest {
    private static final Duration UPDATE = StreamConfig.DEFAULT_UPDATE_INTERVAL;

    @TempDir Path stateDir;
    private TopologyFixture f;

    private TopologyFixture start(StreamConfig config) {
        f = new TopologyFixture(config);
        return f;
    }

    private StreamConfig defaults() {
        return StreamConfig.defaults().withState("device-test", stateDir);
    }

    @AfterEach
    void stop() {
        if (f != null) {
            f.close();
        }
    }

    @Test
    void aResentOrRetriedReadingIsCountedOnce() {
        start(defaults());
        f.send("dev-1", 1, 1_000, Map.of("temperature", 20.0));
        f.send("dev-1", 1, 1_000, Map.of("temperature", 20.0)); // retry through the same gateway
        f.send("dev-1", 2, 2_000, Map.of("temperature", 30.0));
        f.send("dev-1", 1, 1_500, Map.of("temperature", 99.0)); // resend through another gateway
        f.tick(UPDATE);

        Aggregate a = f.updates("dev-1", "temperature", "10s").getLast();
        assertThat(a.getCount()).isEqualTo(2);
        assertThat(a.getSum()).isEqualTo(50.0);
        assertThat(f.sensor("duplicates-total", Optional.empty())).isEqualTo(2.0);
    }

    @Test
    void outOfOrderSeqsBelowTheHighestAreAcceptedExactlyOnce() {
        start(defaults());
        for (long seq : new long[] {1, 5, 3, 2, 4, 3, 5, 1}) {
            f.send("dev-1", seq, seq * 100, Map.of("t", (double) seq));
        }
        f.tick(UPDATE);

        Aggregate a = f.updates("dev-1", "t", "10s").getLast();
        assertThat(a.getCount()).isEqualTo(5);
        assertThat(a.getSum()).isEqualTo(15.0);
        assertThat(f.sensor("duplicates-total", Optional.empty())).isEqualTo(3.0);
    }

    @Test
    void aSeqOlderThanTheReplayWindowCountsAsADuplicate() {
        StreamConfig small = limits(256, 64);
        start(small);
        f.send("dev-1", 1_000, 1_000, Map.of("t", 1.0));
        f.send("dev-1", 937, 1_000, Map.of("t", 1.0)); // 63 below: inside the window
        f.send("dev-1", 936, 1_000, Map.of("t", 1.0)); // 64 below: outside
        f.tick(UPDATE);

        assertThat(f.updates("dev-1", "t", "10s").getLast().getCount()).isEqualTo(2);
        assertThat(f.sensor("duplicates-total", Optional.empty())).isEqualTo(1.0);
    }

    @Test
    void aRecordThatIsNotAReadingIsSkippedAndTheNextOneProcessed() {
        start(defaults());
        f.sendRaw("dev-1", new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
        f.sendRaw("dev-1", new byte[] {0x2A, 0x10, 0x0A}); // a metric entry cut short
        f.send("dev-1", 1, 1_000, Map.of("temperature", 20.0));

        f.tick(UPDATE);

        assertThat(f.states())
                .singleElement()
                .satisfies(s -> assertThat(s.getMetricsMap()).containsEntry("temperature", 20.0));
    }

    @Test
    void deviceStateIsEmittedOncePerUpdateIntervalWithEveryMetricsLastValue() {
        start(defaults());
        f.send("dev-1", 1, 1_000, Map.of("temperature", 20.0, "humidity", 50.0));
        f.send("dev-1", 2, 3_000, Map.of("temperature", 21.0));
        f.send("dev-1", 3, 2_000, Map.of("temperature", 99.0, "pressure", 1000.0)); // older
        assertThat(f.states()).isEmpty();

        f.tick(UPDATE);

        List<DeviceState> states = f.states();
        assertThat(states).hasSize(1);
        DeviceState s = states.getFirst();
        assertThat(s.getDeviceId()).isEqualTo("dev-1");
        assertThat(s.getOnline()).isTrue();
        assertThat(s.getLastSeenMs()).isEqualTo(T0 + 3_000);
        assertThat(s.getLastSeq()).isEqualTo(3);
        assertThat(s.getMetricsMap())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("temperature", 21.0, "humidity", 50.0, "pressure", 1000.0));
        f.tick(UPDATE);
        assertThat(f.states()).as("unchanged: not emitted again").hasSize(1);
    }

    @Test
    void aSilentDeviceGoesOfflineOnceAndBackOnlineWithItsNextReading() {
        start(defaults());
        f.send("dev-1", 1, 0, Map.of("temperature", 20.0));
        f.tick(Duration.ofSeconds(59));
        assertThat(f.states()).extracting(DeviceState::getOnline).containsExactly(true);

        f.tick(Duration.ofSeconds(2));
        f.tick(UPDATE); // the emission after the check that saw the silence

        assertThat(f.states()).extracting(DeviceState::getOnline).containsExactly(true, false);
        f.tick(Duration.ofSeconds(30));
        assertThat(f.states()).as("offline is reported once").hasSize(2);
        f.send("dev-1", 2, 91_000, Map.of("temperature", 21.0));
        f.tick(UPDATE);
        assertThat(f.states().getLast().getOnline()).isTrue();
    }

    @Test
    void namesBeyondTheCapAreDroppedAndCountedNeverStored() {
        StreamConfig capped = limits(3, 1024);
        start(capped);
        Map<String, Double> many = new HashMap<>();
        for (int i = 0; i < 5; i++) {
            many.put("m" + i, (double) i);
        }
        f.send("dev-1", 1, 1_000, many);
        f.send("dev-1", 2, 2_000, Map.of("fresh", 1.0));
        f.tick(UPDATE);

        assertThat(f.states().getLast().getMetricsCount()).isEqualTo(3);
        assertThat(f.sensor("metric-names-dropped-total", Optional.empty())).isEqualTo(3.0);
        assertThat(f.aggregates())
                .extracting(Aggregate::getMetric)
                .doesNotContain("fresh")
                .hasSize(3 * 2);
    }

    // Defaults, but for the two per-device bounds these tests push against.
    private StreamConfig limits(int maxMetricsPerDevice, int replayWindow) {
        StreamConfig d = defaults();
        return new StreamConfig(
                "device-test",
                d.windows(),
                d.grace(),
                d.deviceOfflineAfter(),
                d.idleCheckInterval(),
                stateDir,
                d.commitInterval(),
                d.updateInterval(),
                1,
                d.closeTimeout(),
                maxMetricsPerDevice,
                replayWindow,
                d.maxRules(),
                d.historyWindows(),
                d.clearedAlertRetention(),
                List.of(),
                Optional.empty());
    }
}

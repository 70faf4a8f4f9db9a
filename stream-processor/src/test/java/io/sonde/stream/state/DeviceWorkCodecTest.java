package io.sonde.stream.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sonde.stream.alert.Op;
import io.sonde.stream.alert.Rule;
import io.sonde.stream.alert.Severity;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Random device states survive encode and decode: what a restart restores is what was kept. */
class DeviceWorkCodecTest {
    private static final DeviceLimits LIMITS =
            new DeviceLimits(256, 16, List.of(10_000L, 60_000L), 10_000);

    @Test
    void randomStatesRoundTripExactly() {
        Random random = new Random(3);
        DeviceWorkCodec codec = new DeviceWorkCodec();
        Rule rule =
                new Rule(
                        "hot", Rule.Kind.THRESHOLD, "m1", Op.GT, 50, 40, 0, 0, Severity.MAJOR, "*");
        for (int run = 0; run < 100; run++) {
            DeviceWork w = new DeviceWork("dev-" + run, LIMITS);
            long t = 1_700_000_000_000L;
            for (int i = 0; i < 1 + random.nextInt(60); i++) {
                t += random.nextInt(4_000);
                long seq = 1 + random.nextInt(300);
                if (w.admit(seq) != ReplayWindow.Verdict.NEW) {
                    continue;
                }
                w.heard(t, t + 5);
                String name = "m" + random.nextInt(20);
                double v = random.nextInt(100);
                if (w.fold(Readings.of(Map.of(name, v)), t) == 0 && name.equals("m1")) {
                    w.alert("hot").observe(rule, w.deviceId(), v, t);
                }
                w.closeUpTo(w.highEventMs());
                w.dropIdleAlerts();
            }

            DeviceWork back = DeviceWorkCodec.decode(codec.encode(w), LIMITS);

            assertThat(codec.encode(back)).as("run %d", run).isEqualTo(codec.encode(w));
            assertThat(back.deviceId()).isEqualTo(w.deviceId());
            assertThat(back.lastSeq()).isEqualTo(w.lastSeq());
            assertThat(back.metrics().size()).isEqualTo(w.metrics().size());
            assertThat(back.alerts().keySet()).isEqualTo(w.alerts().keySet());
            for (long seq = 1; seq <= 300; seq++) {
                assertThat(back.admit(seq)).isEqualTo(w.admit(seq));
            }
        }
    }

    @Test
    void openWindowsOfAWindowSizeNoLongerConfiguredAreDroppedTheRestKept() {
        DeviceWork w = new DeviceWork("d", LIMITS);
        w.admit(1);
        w.heard(1_000, 1_000);
        w.fold(Readings.of(Map.of("t", 1.0)), 1_000);
        byte[] bytes = new DeviceWorkCodec().encode(w);
        DeviceLimits changed = new DeviceLimits(256, 16, List.of(10_000L, 300_000L), 10_000);

        DeviceWork back = DeviceWorkCodec.decode(bytes, changed);

        assertThat(back.track(0).open()).hasSize(1);
        assertThat(back.track(1).open()).isEmpty();
        assertThat(back.admit(1)).isEqualTo(ReplayWindow.Verdict.DUPLICATE);
    }

    @Test
    void aDeviceSendingInOrderIsRewrittenInAFewHundredBytesPerReading() {
        DeviceWorkCodec codec = new DeviceWorkCodec();
        DeviceLimits defaults = new DeviceLimits(1024, 256, List.of(10_000L, 60_000L), 10_000);
        DeviceWork w = new DeviceWork("device-0001", defaults);
        Map<String, Double> five =
                Map.of(
                        "temperature",
                        21.5,
                        "humidity",
                        40.0,
                        "pressure",
                        1013.0,
                        "battery",
                        3.7,
                        "rssi",
                        -60.0);
        for (long seq = 1; seq <= 2_000; seq++) {
            long t = 1_700_000_000_000L + seq * 1_000;
            w.admit(seq);
            w.heard(t, t);
            w.fold(Readings.of(five), t);
            w.closeUpTo(w.highEventMs());
        }

        byte[] bytes = codec.encode(w);

        // Full replay bitmap: 6 bytes, not 128; 3 open windows x 5 metrics of ~43 bytes each (fixed
        // widths made it 1.2 KB).
        assertThat(bytes.length).isLessThan(850);
        DeviceWork back = DeviceWorkCodec.decode(bytes, defaults);
        assertThat(codec.encode(back)).isEqualTo(bytes);
        assertThat(back.admit(2_000 - 1_023)).isEqualTo(ReplayWindow.Verdict.DUPLICATE);
        assertThat(back.admit(2_000 - 1_024)).isEqualTo(ReplayWindow.Verdict.TOO_OLD);
    }

    @Test
    void aLoweredNameCapDropsTheNamesBeyondItAndTheirWindowSlots() {
        DeviceWork w = new DeviceWork("d", LIMITS);
        w.admit(1);
        w.heard(1_000, 1_000);
        w.fold(Readings.of(Map.of("a", 1.0)), 1_000);
        w.fold(Readings.of(Map.of("b", 2.0)), 1_000);
        DeviceLimits lower = new DeviceLimits(256, 1, List.of(10_000L, 60_000L), 10_000);

        DeviceWork back = DeviceWorkCodec.decode(new DeviceWorkCodec().encode(w), lower);

        assertThat(back.metrics().size()).isEqualTo(1);
        assertThat(back.track(0).open().getFirst().get(0)).isNotNull();
        assertThat(back.track(0).open().getFirst().get(1)).as("b's slot dropped").isNull();
    }

    @Test
    void bytesOfAnotherVersionOrTruncatedAreRefused() {
        byte[] bytes = new DeviceWorkCodec().encode(new DeviceWork("d", LIMITS));
        bytes[0] = 9;
        assertThatThrownBy(() -> DeviceWorkCodec.decode(bytes, LIMITS))
                .hasMessageContaining("version");
        assertThatThrownBy(() -> DeviceWorkCodec.decode(new byte[] {1, 0}, LIMITS))
                .isInstanceOf(IllegalArgumentException.class);
        // version, id "d" (2 + 1), flags, highest (8), then the bitmap's word count, ones, zeros.
        byte[] corrupt = new DeviceWorkCodec().encode(new DeviceWork("d", LIMITS));
        corrupt[15] = (byte) 0xFF;
        assertThatThrownBy(() -> DeviceWorkCodec.decode(corrupt, LIMITS))
                .hasMessageContaining("replay window");
    }
}

package io.sonde.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeviceSignalsTest {
    private static final Duration DAY = Duration.ofMinutes(10);
    private static final long T0 = 1_700_000_000_000_000_000L;

    private static List<Map<String, Double>> samples(String device, Duration step, int count) {
        DeviceSignals signals = new DeviceSignals(device, DAY);
        List<Map<String, Double>> samples = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            samples.add(signals.sample(T0 + i * step.toNanos()));
        }
        return samples;
    }

    private static List<Double> metric(List<Map<String, Double>> samples, String name) {
        return samples.stream().map(s -> s.get(name)).toList();
    }

    @Test
    void valuesStayPlausible() {
        List<Map<String, Double>> samples = samples("sim-7", Duration.ofSeconds(1), 2_000);

        assertThat(metric(samples, DeviceSignals.TEMPERATURE)).allMatch(t -> t > 10 && t < 35);
        assertThat(metric(samples, DeviceSignals.HUMIDITY)).allMatch(h -> h >= 5 && h <= 100);
        assertThat(metric(samples, DeviceSignals.PRESSURE)).allMatch(p -> p > 990 && p < 1035);
        assertThat(metric(samples, DeviceSignals.BATTERY)).allMatch(b -> b > 0 && b <= 100);
        assertThat(metric(samples, DeviceSignals.RSSI)).allMatch(r -> r >= -90 && r <= -45);
    }

    @Test
    void temperatureFollowsADailyCycle() {
        // One sample per simulated hour over one simulated day.
        List<Double> temps =
                metric(samples("sim-1", DAY.dividedBy(24), 24), DeviceSignals.TEMPERATURE);
        double min = temps.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double max = temps.stream().mapToDouble(Double::doubleValue).max().orElseThrow();

        assertThat(max - min).isGreaterThan(5); // amplitude is 3..6 degrees
        // A day later the cycle is back where it started (noise aside).
        List<Double> dayApart = metric(samples("sim-1", DAY, 2), DeviceSignals.TEMPERATURE);
        assertThat(dayApart.get(1)).isCloseTo(dayApart.get(0), within(0.4));
    }

    @Test
    void batteryDrainsSlowlyAndSteadily() {
        List<Double> battery =
                metric(samples("sim-3", Duration.ofSeconds(30), 20), DeviceSignals.BATTERY);

        for (int i = 1; i < battery.size(); i++) {
            assertThat(battery.get(i)).isLessThanOrEqualTo(battery.get(i - 1));
        }
        // 2.5 points per simulated day; the samples span 0.95 of one.
        assertThat(battery.getFirst() - battery.getLast()).isCloseTo(2.375, within(0.15));
    }

    @Test
    void devicesDifferAndEachLooksTheSameAcrossRuns() {
        DeviceSignals a = new DeviceSignals("sim-1", DAY);
        DeviceSignals again = new DeviceSignals("sim-1", DAY);
        DeviceSignals b = new DeviceSignals("sim-2", DAY);

        assertThat(a.attributes()).isEqualTo(again.attributes());
        assertThat(a.sample(T0)).isEqualTo(again.sample(T0));
        assertThat(a.sample(T0 + 1).get(DeviceSignals.TEMPERATURE))
                .isNotEqualTo(b.sample(T0 + 1).get(DeviceSignals.TEMPERATURE));
    }
}

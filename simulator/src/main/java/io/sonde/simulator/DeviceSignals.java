package io.sonde.simulator;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The sensor readings of one virtual device: temperature on a (compressed) daily sine with noise,
 * humidity moving against it, pressure on a slow random walk, a battery that drains and is
 * recharged, and radio signal strength. Each device gets its own offsets, derived from its id, so
 * the same device looks the same across runs.
 *
 * <p>Not thread-safe: one device samples from one thread at a time.
 */
final class DeviceSignals {
    static final String TEMPERATURE = "temperature";
    static final String HUMIDITY = "humidity";
    static final String PRESSURE = "pressure";
    static final String BATTERY = "battery";
    static final String RSSI = "rssi";

    private static final String[] FIRMWARE = {"1.4.2", "1.5.0", "1.5.1", "2.0.0-rc1"};
    private static final double PRESSURE_MEAN = 1013.25;
    // Percent drained per simulated day: a full battery lasts 40 days of the compressed clock.
    private static final double BATTERY_DRAIN_PER_DAY = 2.5;

    private final SplittableRandom noise;
    private final double dayNanos;
    private final double baseTemperature;
    private final double amplitude;
    private final double phase;
    private final double humidityOffset;
    private final double pressureOffset;
    private final double batteryPhase;
    private final double rssiBase;
    private final Map<String, String> attributes;
    private double pressure;

    DeviceSignals(String deviceId, Duration dayLength) {
        SplittableRandom identity = new SplittableRandom(deviceId.hashCode());
        this.noise = identity.split();
        this.dayNanos = dayLength.toNanos();
        this.baseTemperature = 18 + identity.nextDouble(8);
        this.amplitude = 3 + identity.nextDouble(3);
        this.phase = identity.nextDouble();
        this.humidityOffset = identity.nextDouble(-10, 10);
        this.pressureOffset = identity.nextDouble(-8, 8);
        this.batteryPhase = identity.nextDouble(40);
        this.rssiBase = -50 - identity.nextDouble(35);
        this.pressure = PRESSURE_MEAN + pressureOffset;
        this.attributes =
                Map.of(
                        "firmware",
                        FIRMWARE[identity.nextInt(FIRMWARE.length)],
                        "model",
                        "sonde-th" + (1 + identity.nextInt(3)));
    }

    /** Attributes that describe the device rather than one reading. */
    Map<String, String> attributes() {
        return attributes;
    }

    /** The metrics at device time {@code unixNanos}; advances the random walks. */
    Map<String, Double> sample(long unixNanos) {
        double days = unixNanos / dayNanos;
        double temperature =
                baseTemperature
                        + amplitude * Math.sin(2 * Math.PI * (days + phase))
                        + noise.nextDouble(-0.15, 0.15);
        double humidity =
                clamp(
                        55
                                + humidityOffset
                                - 1.5 * (temperature - baseTemperature)
                                + noise.nextDouble(-0.5, 0.5),
                        5,
                        100);
        // Mean-reverting walk: drifts like weather, never wanders off to absurd values.
        pressure +=
                noise.nextDouble(-0.08, 0.08) + 0.01 * (PRESSURE_MEAN + pressureOffset - pressure);
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put(TEMPERATURE, round(temperature, 2));
        metrics.put(HUMIDITY, round(humidity, 1));
        metrics.put(PRESSURE, round(pressure, 2));
        metrics.put(BATTERY, round(battery(days), 1));
        metrics.put(RSSI, (double) Math.round(rssiBase + noise.nextDouble(-3, 3)));
        return metrics;
    }

    /** Drains linearly with device time, then jumps back to 100 % (recharged): a sawtooth. */
    private double battery(double days) {
        double drained = (batteryPhase + days * BATTERY_DRAIN_PER_DAY) % 100;
        return 100 - drained;
    }

    private static double clamp(double value, double min, double max) {
        return Math.max(min, Math.min(max, value));
    }

    private static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }
}

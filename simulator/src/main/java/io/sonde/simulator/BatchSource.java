package io.sonde.simulator;

import io.sonde.proto.v1.Reading;
import io.sonde.proto.v1.TelemetryBatch;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Turns a device's due readings into {@link TelemetryBatch}es: each batch holds the readings that
 * fell due since the previous call, at most {@link #MAX_READINGS_PER_BATCH} (the gateway's limit),
 * and never zero.
 *
 * <p>Not thread-safe: one device calls it from one thread at a time.
 */
final class BatchSource {
    /** Default limit (docs/device-protocol.md) of readings per batch. */
    static final int MAX_READINGS_PER_BATCH = 1_000;

    private static final HexFormat HEX = HexFormat.of();

    private final ReadingSchedule schedule;
    private final DeviceSignals signals;
    private final double traceRatio;
    private final RandomGenerator random;

    BatchSource(
            ReadingSchedule schedule,
            DeviceSignals signals,
            double traceRatio,
            RandomGenerator random) {
        this.schedule = schedule;
        this.signals = signals;
        this.traceRatio = traceRatio;
        this.random = random;
    }

    /** The batches of readings that fell due up to {@code nowUnixNanos}; empty if none did. */
    List<TelemetryBatch> due(long nowUnixNanos) {
        int count = schedule.due(nowUnixNanos);
        List<TelemetryBatch> batches = new ArrayList<>(1 + count / MAX_READINGS_PER_BATCH);
        TelemetryBatch.Builder batch = TelemetryBatch.newBuilder();
        for (int i = 0; i < count; i++) {
            batch.addReadings(reading());
            schedule.advance();
            if (batch.getReadingsCount() == MAX_READINGS_PER_BATCH) {
                batches.add(batch.build());
                batch = TelemetryBatch.newBuilder();
            }
        }
        if (batch.getReadingsCount() > 0) {
            batches.add(batch.build());
        }
        return batches;
    }

    private Reading reading() {
        long time = schedule.nextDueUnixNanos();
        Reading.Builder reading =
                Reading.newBuilder()
                        .setSeq(schedule.nextSeq())
                        .setTimeUnixNano(time)
                        .putAllMetrics(signals.sample(time))
                        .putAllAttributes(signals.attributes());
        if (traceRatio > 0 && random.nextDouble() < traceRatio) {
            reading.setTraceparent(traceparent(random));
        }
        return reading.build();
    }

    /** A sampled W3C trace context with a random trace id: the trace starts at the device. */
    static String traceparent(RandomGenerator random) {
        long high;
        long low;
        do {
            high = random.nextLong();
            low = random.nextLong();
        } while (high == 0 && low == 0); // the all-zero trace id is invalid
        long span;
        do {
            span = random.nextLong();
        } while (span == 0);
        return "00-"
                + HEX.toHexDigits(high)
                + HEX.toHexDigits(low)
                + "-"
                + HEX.toHexDigits(span)
                + "-01";
    }
}

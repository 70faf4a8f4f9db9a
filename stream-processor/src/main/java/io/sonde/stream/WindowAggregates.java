package io.sonde.stream;

import io.sonde.proto.v1.Aggregate;
import io.sonde.proto.v1.TelemetryRecord;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;

/**
 * The arithmetic of windowed aggregates, free of Streams plumbing. The {@link Aggregate} message
 * itself is the accumulator: count, min, max, sum and last with its event time; {@code mean} is not
 * stored (consumers compute {@code sum / count}). Stateless and thread-safe.
 */
final class WindowAggregates {
    private WindowAggregates() {}

    /** Key of the per-(device, metric) stream, also the prefix of the output key. */
    static String seriesKey(String deviceId, String metric) {
        return deviceId + "/" + metric;
    }

    /**
     * One single-metric record per metric of a reading, keyed {@code device/metric}. Attributes are
     * left out: windows do not use them and they would only inflate the repartition topic. The
     * event time is resolved here so the aggregator, which sees no timestamps, can order "last".
     */
    static List<KeyValue<String, TelemetryRecord>> split(String deviceId, TelemetryRecord reading) {
        long eventNanos = TelemetryTime.eventMillis(reading) * 1_000_000L;
        return reading.getMetricsMap().entrySet().stream()
                .map(metric ->
                        KeyValue.pair(
                                seriesKey(deviceId, metric.getKey()),
                                TelemetryRecord.newBuilder()
                                        .setDeviceId(deviceId)
                                        .setSeq(reading.getSeq())
                                        .setTimeUnixNano(eventNanos)
                                        .setReceivedUnixNano(reading.getReceivedUnixNano())
                                        .putMetrics(metric.getKey(), metric.getValue())
                                        .build()))
                .toList();
    }

    /** Folds one single-metric record into a window's aggregate; revision counts the folds. */
    static Aggregate add(TelemetryRecord reading, Aggregate aggregate) {
        Map.Entry<String, Double> metric = reading.getMetricsMap().entrySet().iterator().next();
        double value = metric.getValue();
        long eventMs = TelemetryTime.eventMillis(reading);
        Aggregate.Builder next = aggregate.toBuilder();
        if (aggregate.getCount() == 0) {
            next.setDeviceId(reading.getDeviceId())
                    .setMetric(metric.getKey())
                    .setMin(value)
                    .setMax(value);
        } else {
            next.setMin(Math.min(aggregate.getMin(), value))
                    .setMax(Math.max(aggregate.getMax(), value));
        }
        // Ties go to the later arrival: same event time, newer seq.
        if (aggregate.getCount() == 0 || eventMs >= aggregate.getLastTimeMs()) {
            next.setLast(value).setLastTimeMs(eventMs);
        }
        return next.setCount(aggregate.getCount() + 1)
                .setSum(aggregate.getSum() + value)
                .setRevision(aggregate.getRevision() + 1)
                .build();
    }

    /**
     * The output record of a window: key {@code device/metric/window}, the window's bounds and
     * label filled in. The final record gets one more revision than the last update, so a consumer
     * keeping the highest revision ends on the final one.
     */
    static KeyValue<String, Aggregate> output(
            WindowSpec window, Windowed<String> key, Aggregate aggregate, boolean closed) {
        Aggregate out =
                aggregate.toBuilder()
                        .setWindow(window.label())
                        .setStartMs(key.window().start())
                        .setEndMs(key.window().end())
                        .setFinal(closed)
                        .setRevision(aggregate.getRevision() + (closed ? 1 : 0))
                        .build();
        return KeyValue.pair(key.key() + "/" + window.label(), out);
    }
}

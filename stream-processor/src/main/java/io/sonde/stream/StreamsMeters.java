package io.sonde.stream;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Publishes the Streams client's metrics to Micrometer: all of them under {@code kafka.stream.*}
 * (Micrometer's binder), plus Sonde-named totals read from Streams' own metrics at scrape time. The
 * counts live in Streams sensors because only those are reachable from a processor without a second
 * seam next to {@link TelemetryTopology#build}, and the topology test can read them from the test
 * driver.
 */
final class StreamsMeters implements AutoCloseable {
    static final String DUPLICATES = "sonde.stream.duplicates";
    static final String DROPPED = "sonde.stream.dropped";

    static final String TASK_GROUP = "stream-task-metrics";
    static final String DROPPED_TOTAL = "dropped-records-total";

    private final KafkaStreamsMetrics binder;

    private StreamsMeters(KafkaStreamsMetrics binder) {
        this.binder = binder;
    }

    static StreamsMeters bind(KafkaStreams streams, MeterRegistry registry) {
        KafkaStreamsMetrics binder = new KafkaStreamsMetrics(streams);
        binder.bindTo(registry);
        FunctionCounter.builder(
                        DUPLICATES,
                        streams,
                        s -> sum(s.metrics(), duplicatesGroup(), duplicatesName()))
                .description("readings dropped because their (device, seq) was already processed")
                .register(registry);
        FunctionCounter.builder(DROPPED, streams, s -> sum(s.metrics(), TASK_GROUP, DROPPED_TOTAL))
                .description(
                        "records Streams dropped: readings later than window end + grace, and"
                                + " undecodable records")
                .register(registry);
        return new StreamsMeters(binder);
    }

    /** Streams metric group of the duplicate sensor. */
    static String duplicatesGroup() {
        return "stream-" + DedupProcessor.METRIC_SCOPE + "-metrics";
    }

    /** Streams metric name of the duplicate total. */
    static String duplicatesName() {
        return DedupProcessor.METRIC_OPERATION + "-total";
    }

    /**
     * Sum over threads and tasks of one Streams metric; 0 before any task has started. Task metrics
     * go away with their task, so after a rebalance a total may step down.
     */
    static double sum(Map<MetricName, ? extends Metric> metrics, String group, String name) {
        double total = 0;
        for (Map.Entry<MetricName, ? extends Metric> entry : metrics.entrySet()) {
            MetricName metric = entry.getKey();
            if (metric.group().equals(group) && metric.name().equals(name)) {
                total += value(entry.getValue());
            }
        }
        return total;
    }

    private static double value(Metric metric) {
        return metric.metricValue() instanceof Number n ? n.doubleValue() : 0;
    }

    @Override
    public void close() {
        binder.close();
    }
}

package io.sonde.stream;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.sonde.stream.alert.Severity;
import io.sonde.stream.config.WindowSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Publishes the Streams client's metrics to Micrometer: all of them under {@code kafka.stream.*}
 * (Micrometer's binder), plus Sonde-named totals read from the processor's Streams sensors at
 * scrape time (docs/operations.md). The counts live in Streams sensors because the processors can
 * reach only those, and the topology test reads them from the test driver.
 */
final class StreamsMeters implements AutoCloseable {
    /** Group and tag of the processor's sensors. */
    static final String GROUP = "stream-sonde-metrics";

    static final String ENTITY_TAG = "sonde-id";
    static final String TASK_GROUP = "stream-task-metrics";
    static final String DROPPED_TOTAL = "dropped-records-total";

    private final KafkaStreamsMetrics binder;

    private StreamsMeters(KafkaStreamsMetrics binder) {
        this.binder = binder;
    }

    static StreamsMeters bind(
            KafkaStreams streams, List<WindowSpec> windows, MeterRegistry registry) {
        KafkaStreamsMetrics binder = new KafkaStreamsMetrics(streams);
        binder.bindTo(registry);
        counter(
                registry,
                streams,
                "sonde.stream.duplicates",
                "duplicates-total",
                Optional.empty(),
                "readings dropped because their (device, seq) was already processed");
        for (WindowSpec w : windows) {
            FunctionCounter.builder(
                            "sonde.stream.late",
                            streams,
                            s -> sum(s.metrics(), GROUP, "late-total", Optional.of(w.label())))
                    .description("readings later than window end + grace on the device's time")
                    .tag("window", w.label())
                    .register(registry);
        }
        counter(
                registry,
                streams,
                "sonde.stream.metric.names.dropped",
                "metric-names-dropped-total",
                Optional.empty(),
                "metric values dropped: the device already has the most names allowed");
        for (Severity s : Severity.values()) {
            alertCounter(registry, streams, "sonde.stream.alerts.raised", "alerts-raised-total", s);
            alertCounter(
                    registry, streams, "sonde.stream.alerts.cleared", "alerts-cleared-total", s);
        }
        counter(
                registry,
                streams,
                "sonde.stream.rule.changes",
                "rule-changes-total",
                Optional.empty(),
                "rule records applied to this instance's rules");
        Gauge.builder(
                        "sonde.stream.punctuation.lag",
                        streams,
                        // Streams measures in ms; Prometheus' base unit is the second.
                        s -> max(s.metrics(), GROUP, "punctuation-lag-max") / 1000.0)
                .description("longest delay of a periodic emission behind its schedule")
                .baseUnit("seconds")
                .register(registry);
        FunctionCounter.builder(
                        "sonde.stream.dropped",
                        streams,
                        s -> sum(s.metrics(), TASK_GROUP, DROPPED_TOTAL, Optional.empty()))
                .description("records Streams dropped as undecodable")
                .register(registry);
        return new StreamsMeters(binder);
    }

    private static void counter(
            MeterRegistry registry,
            KafkaStreams streams,
            String name,
            String metric,
            Optional<String> entity,
            String description) {
        FunctionCounter.builder(name, streams, s -> sum(s.metrics(), GROUP, metric, entity))
                .description(description)
                .register(registry);
    }

    private static void alertCounter(
            MeterRegistry registry, KafkaStreams streams, String name, String metric, Severity s) {
        FunctionCounter.builder(
                        name, streams, k -> sum(k.metrics(), GROUP, metric, Optional.of(s.wire())))
                .description("alert episodes " + (name.endsWith("raised") ? "raised" : "cleared"))
                .tag("severity", s.wire())
                .register(registry);
    }

    /**
     * Sum over threads and tasks of one Streams metric, optionally of one entity; 0 before any task
     * has started.
     */
    static double sum(
            Map<MetricName, ? extends Metric> metrics,
            String group,
            String name,
            Optional<String> entity) {
        double total = 0;
        for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
            MetricName m = e.getKey();
            if (m.group().equals(group)
                    && m.name().equals(name)
                    && entity.map(id -> id.equals(m.tags().get(ENTITY_TAG))).orElse(true)) {
                total += value(e.getValue());
            }
        }
        return total;
    }

    private static double max(
            Map<MetricName, ? extends Metric> metrics, String group, String name) {
        double max = 0;
        for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
            if (e.getKey().group().equals(group) && e.getKey().name().equals(name)) {
                double v = value(e.getValue());
                if (!Double.isNaN(v)) {
                    max = Math.max(max, v);
                }
            }
        }
        return max;
    }

    private static double value(Metric metric) {
        return metric.metricValue() instanceof Number n ? n.doubleValue() : 0;
    }

    @Override
    public void close() {
        binder.close();
    }
}

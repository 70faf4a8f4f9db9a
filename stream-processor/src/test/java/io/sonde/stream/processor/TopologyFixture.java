package io.sonde.stream.processor;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sonde.platform.kafka.Topic;
import io.sonde.platform.kafka.Topics;
import io.sonde.platform.observability.RecordSpans;
import io.sonde.proto.v1.Aggregate;
import io.sonde.proto.v1.Alert;
import io.sonde.proto.v1.AlertRule;
import io.sonde.proto.v1.DeviceState;
import io.sonde.proto.v1.TelemetryRecord;
import io.sonde.stream.alert.RuleJson;
import io.sonde.stream.config.StreamConfig;
import io.sonde.stream.config.StreamsProperties;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The topology in a {@code TopologyTestDriver} with the real serdes, a wall clock the test moves,
 * and what a test needs to drive devices and read every output. Outputs are collected as they are
 * read: reading a test output topic consumes it.
 */
final class TopologyFixture implements AutoCloseable {
    /** Wall clock at the start; also the start of a 1m (and 10s) window. */
    static final Instant START = Instant.parse("2027-01-15T10:00:00Z");

    static final long T0 = START.toEpochMilli();
    static final Topics TOPICS = Topics.withPrefix(Topics.DEFAULT_PREFIX);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration STEP = StreamConfig.DEFAULT_COMMIT_INTERVAL;

    final TopologyTestDriver driver;
    private final TestInputTopic<String, TelemetryRecord> telemetry;
    private final TestInputTopic<String, AlertRule> rules;
    private final TestOutputTopic<String, Aggregate> aggregatesOut;
    private final TestOutputTopic<String, DeviceState> statesOut;
    private final TestOutputTopic<String, Alert> alertsOut;
    private final List<Aggregate> aggregates = new ArrayList<>();
    private final List<DeviceState> states = new ArrayList<>();
    private final List<TestRecord<String, Alert>> alerts = new ArrayList<>();

    TopologyFixture(StreamConfig config) {
        this(config, RecordSpans.off());
    }

    TopologyFixture(StreamConfig config, RecordSpans spans) {
        driver =
                new TopologyTestDriver(
                        TelemetryTopology.build(config, TOPICS, spans),
                        StreamsProperties.forTopology(config),
                        START);
        telemetry = input(TOPICS.telemetry());
        rules = input(TOPICS.alertRules());
        aggregatesOut = output(TOPICS.aggregates());
        statesOut = output(TOPICS.deviceState());
        alertsOut = output(TOPICS.alerts());
    }

    private <V> TestInputTopic<String, V> input(Topic<String, V> t) {
        return driver.createInputTopic(
                t.name(), t.keySerde().serializer(), t.valueSerde().serializer());
    }

    private <V> TestOutputTopic<String, V> output(Topic<String, V> t) {
        return driver.createOutputTopic(
                t.name(), t.keySerde().deserializer(), t.valueSerde().deserializer());
    }

    /** A reading of {@code device} at {@code T0 + eventOffsetMs}, received at that same time. */
    void send(String device, long seq, long eventOffsetMs, Map<String, Double> metrics) {
        send(device, seq, T0 + eventOffsetMs, T0 + eventOffsetMs, metrics, Optional.empty());
    }

    /** A reading with its own device and receive times (epoch ms) and maybe a traceparent. */
    void send(
            String device,
            long seq,
            long eventMs,
            long receivedMs,
            Map<String, Double> metrics,
            Optional<String> traceparent) {
        TelemetryRecord r =
                TelemetryRecord.newBuilder()
                        .setDeviceId(device)
                        .setSeq(seq)
                        .setTimeUnixNano(eventMs * 1_000_000)
                        .setReceivedUnixNano(receivedMs * 1_000_000)
                        .putAllMetrics(metrics)
                        .build();
        RecordHeaders headers = new RecordHeaders();
        traceparent.ifPresent(t -> headers.add("traceparent", t.getBytes(StandardCharsets.UTF_8)));
        telemetry.pipeInput(new TestRecord<>(device, r, headers, Instant.ofEpochMilli(receivedMs)));
    }

    /** A record of {@code device} on the telemetry topic whose value is {@code bytes} as given. */
    void sendRaw(String device, byte[] bytes) {
        driver.createInputTopic(
                        TOPICS.telemetry().name(),
                        TOPICS.telemetry().keySerde().serializer(),
                        new ByteArraySerializer())
                .pipeInput(device, bytes, START);
    }

    /**
     * Moves the wall clock in steps of the commit interval, as a running stream thread would see
     * it: the driver runs a due punctuator once per call, however far the clock moves.
     */
    void tick(Duration d) {
        Duration left = d;
        while (left.compareTo(STEP) > 0) {
            driver.advanceWallClockTime(STEP);
            left = left.minus(STEP);
        }
        driver.advanceWallClockTime(left);
    }

    /** Writes a rule as the API would (validated JSON). */
    void putRule(String id, String json) throws Exception {
        RuleJson.Parsed parsed = RuleJson.parse(id, JSON.readTree(json));
        rules.pipeInput(
                id,
                parsed.rule().orElseThrow(() -> new AssertionError(parsed.problem())).toProto());
    }

    void deleteRule(String id) {
        rules.pipeInput(id, null);
    }

    /** Every aggregate so far, in output order. */
    List<Aggregate> aggregates() {
        aggregates.addAll(aggregatesOut.readValuesToList());
        return List.copyOf(aggregates);
    }

    List<Aggregate> updates(String device, String metric, String window) {
        return aggregates().stream()
                .filter(a -> a.getDeviceId().equals(device) && a.getMetric().equals(metric))
                .filter(a -> a.getWindow().equals(window) && !a.getFinal())
                .toList();
    }

    List<Aggregate> finals(String device, String metric, String window) {
        return aggregates().stream()
                .filter(a -> a.getDeviceId().equals(device) && a.getMetric().equals(metric))
                .filter(a -> a.getWindow().equals(window) && a.getFinal())
                .toList();
    }

    List<DeviceState> states() {
        states.addAll(statesOut.readValuesToList());
        return List.copyOf(states);
    }

    List<Alert> alerts() {
        return alertRecords().stream().map(TestRecord::value).toList();
    }

    List<TestRecord<String, Alert>> alertRecords() {
        alerts.addAll(alertsOut.readRecordsToList());
        return List.copyOf(alerts);
    }

    /** A processor sensor's total over threads, e.g. {@code duplicates-total}. */
    double sensor(String name, Optional<String> entity) {
        double total = 0;
        for (Map.Entry<MetricName, ? extends Metric> e : driver.metrics().entrySet()) {
            MetricName m = e.getKey();
            if (m.group().equals("stream-sonde-metrics")
                    && m.name().equals(name)
                    && entity.map(id -> id.equals(m.tags().get("sonde-id"))).orElse(true)
                    && e.getValue().metricValue() instanceof Number n) {
                total += n.doubleValue();
            }
        }
        return total;
    }

    @Override
    public void close() {
        driver.close();
    }
}

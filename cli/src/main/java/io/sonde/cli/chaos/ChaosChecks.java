package io.sonde.cli.chaos;

import io.sonde.platform.kafka.Topic;
import io.sonde.platform.kafka.Topics;
import io.sonde.proto.v1.Aggregate;
import io.sonde.proto.v1.Alert;
import io.sonde.proto.v1.AlertState;
import io.sonde.proto.v1.TelemetryRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * What the chaos run checks, on what Kafka holds (read committed, from the beginning) and what the
 * devices and viewers saw: every acknowledged reading is in {@code sonde.telemetry}; every 10 s
 * window of every device has exactly one final aggregate, equal to a recomputation from the
 * deduplicated readings; every alert episode is raised once and cleared at most once, and there is
 * one per hot run of readings; every viewer received every reading event of its devices once and in
 * order since it started. Each check names the first record that breaks it.
 */
final class ChaosChecks {
    private static final long WINDOW_MS = 10_000;
    private static final String METRIC = "temperature";

    private final String bootstrap;
    private final Topics topics;
    private final Map<String, List<TelemetryRecord>> readings = new TreeMap<>();
    private final Map<String, Aggregate> finals = new TreeMap<>();
    private final Map<String, List<Alert>> alerts = new TreeMap<>();
    private final List<String> violations = new ArrayList<>();

    ChaosChecks(String bootstrap, Topics topics) {
        this.bootstrap = bootstrap;
        this.topics = topics;
    }

    /** Reads the three topics to their current end. */
    ChaosChecks read() {
        for (ConsumerRecord<String, TelemetryRecord> r : all(topics.telemetry())) {
            readings.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value());
        }
        for (ConsumerRecord<String, Aggregate> r : all(topics.aggregates())) {
            Aggregate a = r.value();
            if (a != null
                    && a.getFinal()
                    && a.getWindow().equals("10s")
                    && a.getMetric().equals(METRIC)) {
                String key = a.getDeviceId() + "/" + a.getStartMs();
                if (finals.put(key, a) != null) {
                    violations.add(
                            "window "
                                    + key
                                    + " has two finals (second at offset "
                                    + r.offset()
                                    + ")");
                }
            }
        }
        for (ConsumerRecord<String, Alert> r : all(topics.alerts())) {
            if (r.value() != null) {
                alerts.computeIfAbsent(r.value().getId(), k -> new ArrayList<>()).add(r.value());
            }
        }
        return this;
    }

    List<String> violations() {
        return violations;
    }

    long readingRecords() {
        return readings.values().stream().mapToLong(List::size).sum();
    }

    int finals() {
        return finals.size();
    }

    int alertEpisodes() {
        return alerts.size();
    }

    /** Every acknowledged seq of every device is in the topic. */
    void acknowledged(List<ChaosDevice> devices) {
        for (ChaosDevice d : devices) {
            Set<Long> written = new HashSet<>();
            readings.getOrDefault(d.id(), List.of()).forEach(r -> written.add(r.getSeq()));
            for (long seq : d.acked()) {
                if (!written.contains(seq)) {
                    violations.add(
                            "reading "
                                    + d.id()
                                    + "#"
                                    + seq
                                    + " was acknowledged but is not in "
                                    + topics.telemetry().name());
                    return;
                }
            }
        }
    }

    /** Every window of the deduplicated readings has one final, equal to the recomputation. */
    void aggregates(List<ChaosDevice> devices) {
        for (ChaosDevice d : devices) {
            Map<Long, List<Double>> windows = new TreeMap<>();
            for (TelemetryRecord r : unique(d.id())) {
                long start = r.getTimeUnixNano() / 1_000_000 / WINDOW_MS * WINDOW_MS;
                windows.computeIfAbsent(start, k -> new ArrayList<>())
                        .add(r.getMetricsOrThrow(METRIC));
            }
            for (Map.Entry<Long, List<Double>> w : windows.entrySet()) {
                Optional<String> wrong = window(d.id() + "/" + w.getKey(), w.getValue());
                if (wrong.isPresent()) {
                    violations.add(wrong.get());
                    return;
                }
            }
        }
    }

    // What is wrong with the final of window `key` (DEVICE/START) of readings `v`, if anything.
    private Optional<String> window(String key, List<Double> v) {
        Aggregate a = finals.get(key);
        if (a == null) {
            return Optional.of("window " + key + " (" + v.size() + " readings) has no final");
        }
        double sum = v.stream().mapToDouble(x -> x).sum();
        double min = v.stream().mapToDouble(x -> x).min().orElseThrow();
        double max = v.stream().mapToDouble(x -> x).max().orElseThrow();
        if (a.getCount() == v.size()
                && Math.abs(a.getSum() - sum) <= 1e-6
                && a.getMin() == min
                && a.getMax() == max) {
            return Optional.empty();
        }
        return Optional.of(
                String.format(
                        "window %s: final count %d sum %s min %s max %s, recomputed %d %s %s %s",
                        key,
                        a.getCount(),
                        a.getSum(),
                        a.getMin(),
                        a.getMax(),
                        v.size(),
                        sum,
                        min,
                        max));
    }

    /**
     * One raise and at most one clear per episode of the run's rule; one episode per hot run of
     * readings, raised at the device time of the run's first reading.
     */
    void alerts(List<ChaosDevice> devices, String rule) {
        Map<String, List<Long>> raisedAt = new HashMap<>();
        for (Map.Entry<String, List<Alert>> e : alerts.entrySet()) {
            Alert first = e.getValue().getFirst();
            if (!first.getRuleId().equals(rule)) {
                continue;
            }
            List<AlertState> states = e.getValue().stream().map(Alert::getState).toList();
            if (!states.equals(List.of(AlertState.ACTIVE))
                    && !states.equals(List.of(AlertState.ACTIVE, AlertState.CLEARED))) {
                violations.add("alert " + e.getKey() + " went " + states);
                return;
            }
            raisedAt.computeIfAbsent(first.getDeviceId(), k -> new ArrayList<>())
                    .add(first.getRaisedAtMs());
        }
        for (ChaosDevice d : devices) {
            List<Long> runs = new ArrayList<>();
            boolean hot = false;
            for (TelemetryRecord r : unique(d.id())) {
                boolean now = r.getMetricsOrThrow(METRIC) > 80;
                if (now && !hot) {
                    runs.add(r.getTimeUnixNano() / 1_000_000);
                }
                hot = now;
            }
            List<Long> raised = new ArrayList<>(raisedAt.getOrDefault(d.id(), List.of()));
            raised.sort(null);
            if (!raised.equals(runs)) {
                violations.add(
                        d.id() + ": alerts raised at " + raised + ", hot runs began at " + runs);
                return;
            }
        }
    }

    /**
     * Each viewer's events per device are every record of the device in the topic, in order: the
     * viewers were subscribed before the devices' first reading.
     */
    void viewers(List<ChaosViewer> viewers) {
        for (ChaosViewer v : viewers) {
            if (v.unreadable().isPresent()) {
                violations.add(v.name() + " could not read an event: " + v.unreadable().get());
                return;
            }
            for (String device : v.devices()) {
                List<Long> got = v.received(device);
                List<Long> topic =
                        readings.getOrDefault(device, List.of()).stream()
                                .map(TelemetryRecord::getSeq)
                                .toList();
                for (int i = 0; i < Math.min(got.size(), topic.size()); i++) {
                    if (!got.get(i).equals(topic.get(i))) {
                        violations.add(
                                String.format(
                                        "%s, %s: event %d was seq %d, the topic's record %d is seq"
                                                + " %d (lost, repeated or out of order)",
                                        v.name(), device, i, got.get(i), i, topic.get(i)));
                        return;
                    }
                }
                if (got.size() != topic.size()) {
                    violations.add(
                            v.name()
                                    + " got "
                                    + got.size()
                                    + " events of "
                                    + device
                                    + " for "
                                    + topic.size()
                                    + " records");
                    return;
                }
            }
        }
    }

    /** The device's readings, the first record of each seq, in seq order. */
    private List<TelemetryRecord> unique(String device) {
        Map<Long, TelemetryRecord> bySeq = new TreeMap<>();
        for (TelemetryRecord r : readings.getOrDefault(device, List.of())) {
            bySeq.putIfAbsent(r.getSeq(), r);
        }
        return new ArrayList<>(bySeq.values());
    }

    private <V> List<ConsumerRecord<String, V>> all(Topic<String, V> topic) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "sonde-chaos-check-" + UUID.randomUUID());
        List<ConsumerRecord<String, V>> out = new ArrayList<>();
        try (KafkaConsumer<String, V> c =
                new KafkaConsumer<>(
                        p, new StringDeserializer(), topic.valueSerde().deserializer())) {
            List<TopicPartition> parts =
                    c.partitionsFor(topic.name(), Duration.ofSeconds(30)).stream()
                            .map(i -> new TopicPartition(i.topic(), i.partition()))
                            .toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> ends = c.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < ends.get(tp))
                    && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(500)).forEach(out::add);
            }
        }
        return out;
    }
}

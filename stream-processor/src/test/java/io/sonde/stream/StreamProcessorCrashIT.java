package io.sonde.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sonde.devtools.DevKeys;
import io.sonde.platform.kafka.KafkaConfig;
import io.sonde.platform.kafka.Topics;
import io.sonde.proto.v1.Aggregate;
import io.sonde.proto.v1.Alert;
import io.sonde.proto.v1.AlertState;
import io.sonde.proto.v1.TelemetryRecord;
import io.sonde.testing.ServiceOverrides;
import io.sonde.testing.ServiceProcess;
import io.sonde.testing.SharedKafka;
import io.sonde.testing.TestClients;
import io.sonde.testing.TopicProbe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The processor as its own process, killed with SIGKILL in the middle of a stream and started again
 * on the same state directory: the final aggregates equal an exact recomputation from the input,
 * each window closes once, and each alert episode has exactly one raise and one clear.
 */
@ExtendWith(SharedKafka.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class StreamProcessorCrashIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final int DEVICES = 4;
    private static final int READINGS = 240;
    private static final long WINDOW_MS = 10_000;

    @TempDir Path dir;

    @Test
    void aKilledProcessorRestartsWithExactAggregatesAndOneRaiseAndClearPerEpisode(KafkaConfig kafka)
            throws Exception {
        Map<String, String> settings = settings(kafka);
        Topics topics = kafka.topics();
        long t0 = (System.currentTimeMillis() - 3_600_000) / WINDOW_MS * WINDOW_MS;
        List<ProducerRecord<byte[], byte[]>> input = input(topics, t0);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(TestClients.producer(kafka, "crash-it"))) {
            ServiceProcess first = ServiceProcess.start(StreamProcessorMain.class, settings, dir);
            AtomicInteger sent = new AtomicInteger();
            Thread sender;
            try {
                first.awaitReady(WAIT);
                sender = Thread.ofPlatform().start(() -> stream(producer, input, sent));
                awaitSomeOutput(kafka, topics);
                first.kill();
                assertThat(sent.get())
                        .as("killed in the middle of the stream")
                        .isLessThan(input.size());
                first.awaitExit(WAIT);
            } finally {
                first.close();
            }
            try (ServiceProcess second =
                    ServiceProcess.start(StreamProcessorMain.class, settings, dir)) {
                second.awaitReady(WAIT);
                sender.join();
                Map<String, Aggregate> finals = awaitFinals(kafka, topics, expectedFinals(input));
                assertThat(finals).isEqualTo(expectedFinals(input));
                assertEpisodes(kafka, topics, expectedEpisodes(input));
            }
        }
    }

    private Map<String, String> settings(KafkaConfig kafka) {
        Map<String, String> s =
                new HashMap<>(
                        ServiceOverrides.of(
                                kafka, DevKeys.loadOrCreate(dir.resolve("keys")).jwksFile()));
        s.put("sonde.stream.application-id", "crash-" + UUID.randomUUID());
        s.put("sonde.stream.state-dir", dir.resolve("state").toString());
        // A dead member must leave the group in seconds, not the default 45 s.
        s.put("sonde.kafka.streams.session.timeout.ms", "6000");
        s.put("sonde.kafka.streams.heartbeat.interval.ms", "1000");
        s.put("sonde.stream.rules.0.id", "hot");
        s.put("sonde.stream.rules.0.metric", "t");
        s.put("sonde.stream.rules.0.op", ">");
        s.put("sonde.stream.rules.0.threshold", "80");
        s.put("sonde.stream.rules.0.clearThreshold", "75");
        s.put("sonde.stream.rules.0.severity", "major");
        return s;
    }

    // Every device: 1 s apart in event time, hot (90) for 10 readings in every 30, else 70; every
    // 7th reading sent twice (a gateway retry); one last reading two minutes on closes the rest.
    private static List<ProducerRecord<byte[], byte[]>> input(Topics topics, long t0) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (int i = 0; i <= READINGS; i++) {
            for (int d = 0; d < DEVICES; d++) {
                String device = "crash-" + d;
                boolean last = i == READINGS;
                long t = t0 + (last ? (READINGS + 120) * 1000L : i * 1000L);
                double value = (i + d * 5) % 30 < 10 ? 90 : 70;
                TelemetryRecord r =
                        TelemetryRecord.newBuilder()
                                .setDeviceId(device)
                                .setSeq(i + 1)
                                .setTimeUnixNano(t * 1_000_000)
                                .setReceivedUnixNano(System.currentTimeMillis() * 1_000_000)
                                .putMetrics("t", value)
                                .build();
                ProducerRecord<byte[], byte[]> rec =
                        new ProducerRecord<>(
                                topics.telemetry().name(),
                                device.getBytes(StandardCharsets.UTF_8),
                                r.toByteArray());
                out.add(rec);
                if (i % 7 == 3) {
                    out.add(rec);
                }
            }
        }
        return out;
    }

    // A steady stream, as gateways would write it: one record every 3 ms (load pacing, not a
    // wait for a condition), so that the kill lands while records keep coming.
    private static void stream(
            KafkaProducer<byte[], byte[]> producer,
            List<ProducerRecord<byte[], byte[]>> records,
            AtomicInteger sent) {
        for (ProducerRecord<byte[], byte[]> r : records) {
            producer.send(r);
            sent.incrementAndGet();
            LockSupport.parkNanos(3_000_000);
        }
        producer.flush();
    }

    private static void awaitSomeOutput(KafkaConfig kafka, Topics topics) {
        try (TopicProbe<String, Aggregate> probe = new TopicProbe<>(kafka, topics.aggregates())) {
            await().atMost(WAIT).until(() -> probe.poll().size() > 20);
        }
    }

    /** The exact finals, recomputed from the input: dedup by (device, seq), 10 s windows. */
    private static Map<String, Aggregate> expectedFinals(List<ProducerRecord<byte[], byte[]>> input)
            throws Exception {
        Map<String, TelemetryRecord> unique = new LinkedHashMap<>();
        for (ProducerRecord<byte[], byte[]> p : input) {
            TelemetryRecord r = TelemetryRecord.parseFrom(p.value());
            unique.putIfAbsent(r.getDeviceId() + "#" + r.getSeq(), r);
        }
        Map<String, List<Double>> byWindow = new TreeMap<>();
        Map<String, Long> lastWindow = new HashMap<>();
        for (TelemetryRecord r : unique.values()) {
            long start = r.getTimeUnixNano() / 1_000_000 / WINDOW_MS * WINDOW_MS;
            lastWindow.merge(r.getDeviceId(), start, Math::max);
            byWindow.computeIfAbsent(r.getDeviceId() + "/" + start, k -> new ArrayList<>())
                    .add(r.getMetricsOrThrow("t"));
        }
        Map<String, Aggregate> out = new TreeMap<>();
        byWindow.forEach((key, values) -> {
            String device = key.substring(0, key.indexOf('/'));
            long start = Long.parseLong(key.substring(key.indexOf('/') + 1));
            if (start == lastWindow.get(device)) {
                return; // the closing reading's window stays open
            }
            out.put(
                    key,
                    summary(
                            device,
                            start,
                            values.size(),
                            values.stream().mapToDouble(v -> v).sum(),
                            values.stream().mapToDouble(v -> v).min().orElseThrow(),
                            values.stream().mapToDouble(v -> v).max().orElseThrow()));
        });
        return out;
    }

    private static Aggregate summary(
            String device, long start, long count, double sum, double min, double max) {
        return Aggregate.newBuilder()
                .setDeviceId(device)
                .setStartMs(start)
                .setCount(count)
                .setSum(sum)
                .setMin(min)
                .setMax(max)
                .build();
    }

    private static Map<String, Aggregate> awaitFinals(
            KafkaConfig kafka, Topics topics, Map<String, Aggregate> expected) {
        Map<String, Aggregate> finals = new TreeMap<>();
        try (TopicProbe<String, Aggregate> probe = new TopicProbe<>(kafka, topics.aggregates())) {
            await().atMost(WAIT)
                    .until(() -> {
                        finals.clear();
                        for (var r : probe.poll()) {
                            Aggregate a = r.value();
                            if (a.getFinal() && a.getWindow().equals("10s")) {
                                String key = a.getDeviceId() + "/" + a.getStartMs();
                                Aggregate before =
                                        finals.put(
                                                key,
                                                summary(
                                                        a.getDeviceId(),
                                                        a.getStartMs(),
                                                        a.getCount(),
                                                        a.getSum(),
                                                        a.getMin(),
                                                        a.getMax()));
                                assertThat(before).as("window %s closed twice", key).isNull();
                            }
                        }
                        return finals.size() >= expected.size();
                    });
        }
        return finals;
    }

    /** Episodes per device from the deduplicated input: > 80 raises, <= 75 clears. */
    private static Map<String, Integer> expectedEpisodes(List<ProducerRecord<byte[], byte[]>> input)
            throws Exception {
        Map<String, Integer> raises = new TreeMap<>();
        Map<String, Boolean> active = new HashMap<>();
        Map<String, Long> seen = new HashMap<>();
        for (ProducerRecord<byte[], byte[]> p : input) {
            TelemetryRecord r = TelemetryRecord.parseFrom(p.value());
            if (seen.getOrDefault(r.getDeviceId(), 0L) >= r.getSeq()) {
                continue;
            }
            seen.put(r.getDeviceId(), r.getSeq());
            double v = r.getMetricsOrThrow("t");
            boolean on = active.getOrDefault(r.getDeviceId(), false);
            if (!on && v > 80) {
                raises.merge(r.getDeviceId(), 1, Integer::sum);
                active.put(r.getDeviceId(), true);
            } else if (on && v <= 75) {
                active.put(r.getDeviceId(), false);
            }
        }
        return raises;
    }

    private static void assertEpisodes(
            KafkaConfig kafka, Topics topics, Map<String, Integer> expected) {
        try (TopicProbe<String, Alert> probe = new TopicProbe<>(kafka, topics.alerts())) {
            await().atMost(WAIT)
                    .untilAsserted(() -> {
                        Map<String, List<AlertState>> byId = new LinkedHashMap<>();
                        Map<String, Integer> raises = new TreeMap<>();
                        for (var r : probe.poll()) {
                            Alert a = r.value();
                            byId.computeIfAbsent(a.getId(), k -> new ArrayList<>())
                                    .add(a.getState());
                            if (a.getState() == AlertState.ACTIVE) {
                                raises.merge(a.getDeviceId(), 1, Integer::sum);
                            }
                        }
                        assertThat(raises).isEqualTo(expected);
                        byId.forEach((id, states) ->
                                assertThat(states)
                                        .as("episode %s", id)
                                        .isIn(
                                                List.of(AlertState.ACTIVE),
                                                List.of(AlertState.ACTIVE, AlertState.CLEARED)));
                    });
        }
    }
}

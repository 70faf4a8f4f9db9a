package io.sonde.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.sonde.platform.kafka.Topic;
import io.sonde.platform.kafka.Topics;
import io.sonde.proto.v1.Aggregate;
import io.sonde.proto.v1.DeviceState;
import io.sonde.proto.v1.TelemetryRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class TelemetryTopologyTest {
    /** Wall clock at the start of each test; also the start of a 1m (and 10s) window. */
    private static final Instant START = Instant.parse("2027-01-15T10:00:00Z");

    private static final long T0 = START.toEpochMilli();
    private static final String DEVICE = "dev-1";
    private static final Topics TOPICS = Topics.withPrefix(Topics.DEFAULT_PREFIX);

    @TempDir Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, TelemetryRecord> telemetry;
    private TestOutputTopic<String, Aggregate> aggregates;
    private TestOutputTopic<String, DeviceState> states;

    /** Every aggregate read so far: reading an output topic consumes it. */
    private final List<KeyValue<String, Aggregate>> seen = new ArrayList<>();

    @BeforeEach
    void startDriver() {
        StreamConfig settings =
                new StreamConfig(
                        "topology-test",
                        List.of(WindowSpec.parse("10s"), WindowSpec.parse("1m")),
                        Duration.ofSeconds(10),
                        Duration.ofSeconds(60),
                        Duration.ofSeconds(5),
                        stateDir,
                        Duration.ofMillis(100),
                        1,
                        Duration.ofSeconds(10));
        driver =
                new TopologyTestDriver(
                        TelemetryTopology.build(settings, TOPICS),
                        StreamsProperties.forTopology(settings),
                        START);
        Topic<String, TelemetryRecord> in = TOPICS.telemetry();
        telemetry =
                driver.createInputTopic(
                        in.name(), in.keySerde().serializer(), in.valueSerde().serializer());
        aggregates =
                driver.createOutputTopic(
                        TOPICS.aggregates().name(),
                        TOPICS.aggregates().keySerde().deserializer(),
                        TOPICS.aggregates().valueSerde().deserializer());
        states =
                driver.createOutputTopic(
                        TOPICS.deviceState().name(),
                        TOPICS.deviceState().keySerde().deserializer(),
                        TOPICS.deviceState().valueSerde().deserializer());
    }

    @AfterEach
    void closeDriver() {
        if (driver != null) {
            driver.close();
        }
    }

    @Test
    void aggregatesHoldCountMinMaxSumAndLastByEventTime() {
        send(1, 1_000, Map.of("temperature", 20.0, "humidity", 50.0));
        send(2, 3_000, Map.of("temperature", 25.0));
        send(3, 2_000, Map.of("temperature", 10.0)); // newer seq, older event time

        List<Aggregate> updates = updates("dev-1/temperature/10s");
        assertThat(updates).extracting(Aggregate::getRevision).containsExactly(1L, 2L, 3L);
        Aggregate latest = updates.getLast();
        assertThat(latest.getDeviceId()).isEqualTo(DEVICE);
        assertThat(latest.getMetric()).isEqualTo("temperature");
        assertThat(latest.getWindow()).isEqualTo("10s");
        assertThat(latest.getStartMs()).isEqualTo(T0);
        assertThat(latest.getEndMs()).isEqualTo(T0 + 10_000);
        assertThat(latest.getCount()).isEqualTo(3);
        assertThat(latest.getMin()).isEqualTo(10.0);
        assertThat(latest.getMax()).isEqualTo(25.0);
        assertThat(latest.getSum()).isEqualTo(55.0);
        assertThat(latest.getLast()).as("value at the latest event time").isEqualTo(25.0);
        assertThat(latest.getLastTimeMs()).isEqualTo(T0 + 3_000);
        assertThat(latest.getFinal()).isFalse();

        Aggregate minute = updates("dev-1/temperature/1m").getLast();
        assertThat(minute.getEndMs()).isEqualTo(T0 + 60_000);
        assertThat(minute.getCount()).isEqualTo(3);
        assertThat(updates("dev-1/humidity/10s").getLast().getCount()).isEqualTo(1);
    }

    @Test
    void duplicateReadingsAreCountedOnce() {
        send(1, 1_000, Map.of("temperature", 20.0));
        send(1, 1_000, Map.of("temperature", 20.0)); // retry through the same gateway
        send(2, 2_000, Map.of("temperature", 30.0));
        send(1, 1_500, Map.of("temperature", 99.0)); // resend through another gateway

        Aggregate latest = updates("dev-1/temperature/10s").getLast();
        assertThat(latest.getCount()).isEqualTo(2);
        assertThat(latest.getSum()).isEqualTo(50.0);
        assertThat(states.readValuesToList()).hasSize(2);
        assertThat(streamsTotal(StreamsMeters.duplicatesGroup(), StreamsMeters.duplicatesName()))
                .isEqualTo(2.0);
    }

    @Test
    void finalRecordFollowsOnceWindowEndPlusGraceHasPassed() {
        send(1, 1_000, Map.of("temperature", 20.0));
        send(2, 19_999, Map.of("temperature", 21.0));
        assertThat(finals("dev-1/temperature/10s")).isEmpty();

        send(3, 20_000, Map.of("temperature", 22.0));

        List<Aggregate> finals = finals("dev-1/temperature/10s");
        assertThat(finals).hasSize(1);
        Aggregate closed = finals.getFirst();
        assertThat(closed.getStartMs()).isEqualTo(T0);
        assertThat(closed.getCount()).isEqualTo(1);
        assertThat(closed.getSum()).isEqualTo(20.0);
        assertThat(closed.getRevision()).as("one past the last update").isEqualTo(2);
    }

    @Test
    void readingLaterThanGraceIsDroppedAndCounted() {
        send(1, 1_000, Map.of("temperature", 20.0));
        send(2, 20_000, Map.of("temperature", 21.0)); // closes [T0, T0+10s)
        aggregates.readKeyValuesToList();

        send(3, 5_000, Map.of("temperature", 99.0));

        List<KeyValue<String, Aggregate>> after = aggregates.readKeyValuesToList();
        assertThat(after)
                .as("the closed 10s window is not updated")
                .noneMatch(kv -> kv.key.endsWith("/10s"));
        assertThat(after)
                .as("the 1m window is still open and counts it")
                .anyMatch(kv -> kv.key.endsWith("/1m") && kv.value.getCount() == 3);
        assertThat(streamsTotal(StreamsMeters.TASK_GROUP, StreamsMeters.DROPPED_TOTAL))
                .isEqualTo(1.0);
    }

    @Test
    void deviceStateFollowsReadingsAndGoesOfflineWhenSilent() {
        send(1, 1_000, Map.of("temperature", 20.0, "humidity", 50.0));
        send(2, 3_000, Map.of("temperature", 21.0));
        send(3, 2_000, Map.of("temperature", 99.0, "pressure", 1000.0)); // older event time

        DeviceState state = states.readValuesToList().getLast();
        assertThat(state.getDeviceId()).isEqualTo(DEVICE);
        assertThat(state.getOnline()).isTrue();
        assertThat(state.getLastSeenMs()).isEqualTo(T0 + 3_000);
        assertThat(state.getLastSeq()).isEqualTo(3);
        assertThat(state.getMetricsMap())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("temperature", 21.0, "humidity", 50.0, "pressure", 1000.0));

        driver.advanceWallClockTime(Duration.ofSeconds(60)); // 59 s after it was last heard
        assertThat(states.isEmpty()).isTrue();

        driver.advanceWallClockTime(Duration.ofSeconds(5));
        List<DeviceState> offline = states.readValuesToList();
        assertThat(offline).hasSize(1);
        assertThat(offline.getFirst().getOnline()).isFalse();
        assertThat(offline.getFirst().getMetricsMap()).containsEntry("temperature", 21.0);

        driver.advanceWallClockTime(Duration.ofSeconds(30));
        assertThat(states.isEmpty()).as("offline is reported once").isTrue();
    }

    @Test
    void readingHeardLongAgoDoesNotMarkDeviceOnline() {
        long heardTwoMinutesAgo = T0 - 120_000;
        telemetry.pipeInput(
                DEVICE,
                reading(1, heardTwoMinutesAgo, heardTwoMinutesAgo, Map.of("temperature", 1.0)));

        assertThat(states.readValuesToList().getLast().getOnline()).isFalse();
    }

    private void send(long seq, long offsetMs, Map<String, Double> metrics) {
        long time = T0 + offsetMs;
        telemetry.pipeInput(DEVICE, reading(seq, time, time, metrics), Instant.ofEpochMilli(time));
    }

    private static TelemetryRecord reading(
            long seq, long eventMs, long receivedMs, Map<String, Double> metrics) {
        return TelemetryRecord.newBuilder()
                .setDeviceId(DEVICE)
                .setSeq(seq)
                .setTimeUnixNano(eventMs * 1_000_000)
                .setReceivedUnixNano(receivedMs * 1_000_000)
                .putAllMetrics(metrics)
                .build();
    }

    private List<Aggregate> updates(String key) {
        return outputs(key).stream().filter(a -> !a.getFinal()).toList();
    }

    private List<Aggregate> finals(String key) {
        return outputs(key).stream().filter(Aggregate::getFinal).toList();
    }

    private List<Aggregate> outputs(String key) {
        List<KeyValue<String, Aggregate>> all = aggregates.readKeyValuesToList();
        seen.addAll(all);
        return seen.stream().filter(kv -> kv.key.equals(key)).map(kv -> kv.value).toList();
    }

    private double streamsTotal(String group, String name) {
        return StreamsMeters.sum(driver.metrics(), group, name);
    }
}

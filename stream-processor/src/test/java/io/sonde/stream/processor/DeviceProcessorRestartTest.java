package io.sonde.stream.processor;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.MessageLite;
import io.sonde.platform.observability.RecordSpans;
import io.sonde.proto.v1.Aggregate;
import io.sonde.proto.v1.Alert;
import io.sonde.proto.v1.AlertRule;
import io.sonde.proto.v1.AlertState;
import io.sonde.proto.v1.TelemetryRecord;
import io.sonde.stream.alert.RuleBook;
import io.sonde.stream.config.StreamConfig;
import io.sonde.stream.config.StreamsProperties;
import io.sonde.stream.state.DeviceLimits;
import io.sonde.stream.state.DeviceWork;
import io.sonde.stream.state.Reading;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.Punctuator;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A processor that starts over on the stores a crashed one left (as a restart restores them from
 * the changelogs) carries on exactly: nothing the store holds is kept only in memory.
 */
class DeviceProcessorRestartTest {
    private static final long T0 = 1_800_000_000_000L;

    @TempDir Path stateDir;
    private StreamConfig config;
    private WriteBehindStore<DeviceWork> devices;
    private KeyValueStore<String, AlertRule> rules;
    private List<StateStore> stores;

    @BeforeEach
    void stores() {
        config = StreamConfig.defaults().withState("restart-test", stateDir);
        DeviceLimits limits = TelemetryTopology.limits(config);
        // As the topology builds it: the processor relies on the write-behind layer's contract.
        devices =
                (WriteBehindStore<DeviceWork>)
                        new WriteBehindStoreBuilder<>(
                                        Stores.keyValueStoreBuilder(
                                                Stores.inMemoryKeyValueStore(
                                                        DeviceProcessor.DEVICE_STORE),
                                                Serdes.String(),
                                                new DeviceWorkSerde(limits)),
                                        DeviceWork::written)
                                .withLoggingDisabled()
                                .build();
        rules =
                Stores.keyValueStoreBuilder(
                                Stores.inMemoryKeyValueStore(DeviceProcessor.RULES_STORE),
                                Serdes.String(),
                                TopologyFixture.TOPICS.alertRules().valueSerde())
                        .withLoggingDisabled()
                        .build();
        FinalsSerde finals = new FinalsSerde();
        WindowStore<String, List<Aggregate>> h10 =
                window(DeviceProcessor.historyStore("10s"), finals);
        WindowStore<String, List<Aggregate>> h1m =
                window(DeviceProcessor.historyStore("1m"), finals);
        WindowStore<String, Alert> cleared =
                window(
                        DeviceProcessor.CLEARED_ALERTS_STORE,
                        TopologyFixture.TOPICS.alerts().valueSerde());
        stores = List.of(devices, rules, h10, h1m, cleared);
    }

    private static <V> WindowStore<String, V> window(String name, Serde<V> values) {
        return Stores.<String, V>windowStoreBuilder(
                        Stores.inMemoryWindowStore(
                                name, Duration.ofHours(1), Duration.ofSeconds(10), true),
                        Serdes.String(),
                        values)
                .withLoggingDisabled()
                .build();
    }

    private MockProcessorContext<String, MessageLite> context() {
        MockProcessorContext<String, MessageLite> c =
                new MockProcessorContext<>(StreamsProperties.forTopology(config));
        for (StateStore s : stores) {
            if (!s.isOpen()) {
                s.init(c.getStateStoreContext(), s);
            }
            c.addStateStore(s);
        }
        c.setCurrentSystemTimeMs(T0);
        return c;
    }

    private DeviceProcessor processor(MockProcessorContext<String, MessageLite> c) {
        DeviceProcessor p =
                new DeviceProcessor(
                        TelemetryTopology.limits(config),
                        List.of("10s", "1m"),
                        config.updateInterval(),
                        config.idleCheckInterval(),
                        config.deviceOfflineAfter(),
                        new RuleBook(),
                        new RecordTracing(RecordSpans.off()));
        p.init(c);
        return p;
    }

    private static Record<String, Reading> reading(long seq, long offset, double v) {
        long t = T0 + offset;
        byte[] bytes =
                TelemetryRecord.newBuilder()
                        .setDeviceId("dev-1")
                        .setSeq(seq)
                        .setTimeUnixNano(t * 1_000_000)
                        .setReceivedUnixNano(t * 1_000_000)
                        .putMetrics("temperature", v)
                        .build()
                        .toByteArray();
        return new Record<>("dev-1", new ReadingDeserializer().deserialize("telemetry", bytes), t);
    }

    private static List<Alert> alerts(MockProcessorContext<String, MessageLite> c) {
        return c.forwarded().stream()
                .map(f -> f.record().value())
                .filter(Alert.class::isInstance)
                .map(Alert.class::cast)
                .toList();
    }

    private static List<Aggregate> aggregates(MockProcessorContext<String, MessageLite> c) {
        return c.forwarded().stream()
                .map(f -> f.record().value())
                .filter(Aggregate.class::isInstance)
                .map(Aggregate.class::cast)
                .toList();
    }

    private static List<Aggregate> finals(MockProcessorContext<String, MessageLite> c) {
        return aggregates(c).stream().filter(Aggregate::getFinal).toList();
    }

    @Test
    void aRestartedProcessorRemembersSeqsWindowsAndOpenAlerts() {
        MockProcessorContext<String, MessageLite> first = context();
        rules.put("hot", hotRule());
        DeviceProcessor before = processor(first);
        before.process(reading(1, 1_000, 20));
        before.process(reading(2, 2_000, 85));
        before.process(reading(3, 3_000, 86));
        Alert raised = alerts(first).getFirst();
        assertThat(raised.getState()).isEqualTo(AlertState.ACTIVE);

        // A commit, then the crash: the first processor is dropped; the stores are what was
        // committed.
        devices.flushCache();
        MockProcessorContext<String, MessageLite> second = context();
        DeviceProcessor after = processor(second);
        after.process(reading(2, 2_000, 85)); // resent after the restart
        after.process(reading(4, 4_000, 90)); // still breaching: no second raise
        after.process(reading(5, 5_000, 70)); // clears the episode raised before the restart
        after.process(reading(6, 21_000, 20)); // closes [T0, T0+10s) on the device's time

        List<Alert> later = alerts(second);
        assertThat(later).hasSize(1);
        assertThat(later.getFirst().getState()).isEqualTo(AlertState.CLEARED);
        assertThat(later.getFirst().getId()).isEqualTo(raised.getId());
        Aggregate closed =
                finals(second).stream()
                        .filter(a -> a.getWindow().equals("10s"))
                        .findFirst()
                        .orElseThrow();
        assertThat(closed.getCount()).as("readings from before and after, each once").isEqualTo(5);
        assertThat(closed.getSum()).isEqualTo(20 + 85 + 86 + 90 + 70);
    }

    @Test
    void whatChangesAfterACommitIsWrittenAtTheNextOne() {
        MockProcessorContext<String, MessageLite> first = context();
        DeviceProcessor before = processor(first);
        before.process(reading(1, 1_000, 20));
        devices.flushCache();
        before.process(reading(2, 2_000, 30)); // the device's object is written already
        before.process(reading(3, 3_000, 40));
        devices.flushCache();
        before.process(reading(4, 4_000, 50)); // never committed: replayed after the crash

        MockProcessorContext<String, MessageLite> second = context();
        DeviceProcessor after = processor(second);
        after.process(reading(3, 3_000, 40)); // a duplicate: the second commit has it
        after.process(reading(4, 4_000, 50));
        after.process(reading(5, 21_000, 20)); // closes [T0, T0+10s)

        Aggregate closed =
                finals(second).stream()
                        .filter(a -> a.getWindow().equals("10s"))
                        .findFirst()
                        .orElseThrow();
        assertThat(closed.getCount()).isEqualTo(4);
        assertThat(closed.getSum()).isEqualTo(20 + 30 + 40 + 50);
    }

    @Test
    void aWindowChangeCommittedButNotYetPublishedIsPublishedAfterTheRestart() {
        MockProcessorContext<String, MessageLite> first = context();
        DeviceProcessor before = processor(first);
        before.process(reading(1, 2_000, 20));
        emitEverySlot(first); // the window's update and the device's state go out
        // Older than the newest reading: it changes the window, not the device's state.
        before.process(reading(2, 1_000, 30));
        devices.flushCache(); // committed, not yet published

        MockProcessorContext<String, MessageLite> second = context();
        processor(second);
        emitEverySlot(second);

        Aggregate update =
                aggregates(second).stream()
                        .filter(a -> a.getWindow().equals("10s") && !a.getFinal())
                        .findFirst()
                        .orElseThrow();
        assertThat(update.getCount()).isEqualTo(2);
        assertThat(update.getSum()).isEqualTo(50);
    }

    // Runs the emission punctuator once per slot: every device's slot comes once.
    private static void emitEverySlot(MockProcessorContext<String, MessageLite> c) {
        Punctuator emit = c.scheduledPunctuators().getFirst().getPunctuator();
        for (int i = 0; i < DeviceProcessor.SLOTS; i++) {
            emit.punctuate(T0 + 100L * (i + 1));
        }
    }

    @Test
    void anAlertWhoseRuleWasDeletedWhileTheProcessorWasDownClearsAfterTheRestart() {
        MockProcessorContext<String, MessageLite> first = context();
        rules.put("hot", hotRule());
        DeviceProcessor before = processor(first);
        before.process(reading(1, 1_000, 85));
        assertThat(alerts(first)).hasSize(1);
        devices.flushCache(); // committed

        rules.delete("hot"); // while no processor runs
        MockProcessorContext<String, MessageLite> second = context();
        DeviceProcessor after = processor(second);
        after.process(reading(2, 2_000, 85));

        List<Alert> later = alerts(second);
        assertThat(later).hasSize(1);
        assertThat(later.getFirst().getState()).isEqualTo(AlertState.CLEARED);
        assertThat(later.getFirst().getMessage()).contains("deleted");
    }

    @Test
    void aTaskRevivedWithWipedStoresForgetsWhatItHeldInMemory() {
        MockProcessorContext<String, MessageLite> c = context();
        rules.put("hot", hotRule());
        DeviceProcessor p = processor(c);
        p.process(reading(1, 1_000, 85)); // raises, in a transaction that will abort

        // Streams closes a task dirty (e.g. a failed commit), wipes its stores and inits it again;
        // what the aborted transaction carried never reached anyone.
        devices.delete("dev-1");
        c.resetForwards();
        p.init(c);
        p.process(reading(1, 1_000, 85)); // the same reading, replayed from the last commit

        assertThat(alerts(c))
                .as("the replayed reading raises again: it is not taken for a duplicate")
                .singleElement()
                .satisfies(a -> assertThat(a.getState()).isEqualTo(AlertState.ACTIVE));
    }

    private static AlertRule hotRule() {
        return AlertRule.newBuilder()
                .setId("hot")
                .setKind("threshold")
                .setMetric("temperature")
                .setOp(">")
                .setThreshold(80)
                .setSeverity("major")
                .setDevices("*")
                .build();
    }
}

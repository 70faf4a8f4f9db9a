package io.sonde.stream.processor;

import com.google.protobuf.MessageLite;
import io.sonde.platform.kafka.Topic;
import io.sonde.platform.kafka.Topics;
import io.sonde.platform.observability.RecordSpans;
import io.sonde.proto.v1.AlertRule;
import io.sonde.stream.alert.RuleBook;
import io.sonde.stream.config.StreamConfig;
import io.sonde.stream.config.StreamsProperties;
import io.sonde.stream.config.WindowSpec;
import io.sonde.stream.state.DeviceLimits;
import io.sonde.stream.state.DeviceWork;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.state.Stores;

/**
 * The stream processor's topology (docs/processing.md): one processor per device task, no
 * repartition.
 *
 * <pre>
 * telemetry --device-processor--+--> aggregates   (updates per update interval, finals at close)
 *              [device-store]   +--> device-state (on change, per update interval)
 *              [history stores] +--> alerts       (raise and clear, at once)
 * alert-rules --rules-processor--> [rules-store] (global: every instance reads every rule)
 * </pre>
 *
 * <p>{@code sonde.telemetry} is keyed by device, so each device's readings arrive on one task in
 * order and the per-device work needs no shuffle. Every node and store is named; renaming one
 * orphans its state, which is why the golden description in the tests must change knowingly.
 */
public final class TelemetryTopology {
    public static final String DEVICE_STORE = DeviceProcessor.DEVICE_STORE;
    public static final String RULES_STORE = DeviceProcessor.RULES_STORE;
    public static final String CLEARED_ALERTS_STORE = DeviceProcessor.CLEARED_ALERTS_STORE;

    private static final String SOURCE = "telemetry-source";
    private static final String PROCESSOR = "device-processor";

    private TelemetryTopology() {}

    /** The history store of final aggregates of {@code window}. */
    public static String historyStore(WindowSpec window) {
        return DeviceProcessor.historyStore(window.label());
    }

    /** The limits each device's state lives within, from {@code config}. */
    public static DeviceLimits limits(StreamConfig config) {
        return new DeviceLimits(
                config.replayWindow(),
                config.maxMetricsPerDevice(),
                config.windows().stream().map(w -> w.size().toMillis()).toList(),
                config.grace().toMillis());
    }

    /**
     * The topology for {@code config}, reading and writing {@code topics}, making per-record spans
     * as {@code spans} says.
     */
    public static Topology build(StreamConfig config, Topics topics, RecordSpans spans) {
        Topology topology =
                new Topology(
                        new TopologyConfig(
                                new StreamsConfig(StreamsProperties.forTopology(config))));
        RuleBook book = new RuleBook();
        DeviceLimits limits = limits(config);
        List<String> labels = config.windows().stream().map(WindowSpec::label).toList();
        Topic<String, ?> telemetry = topics.telemetry();
        topology.addSource(
                Topology.AutoOffsetReset.EARLIEST,
                SOURCE,
                new TelemetryTime(),
                Serdes.String().deserializer(),
                new ReadingDeserializer(),
                telemetry.name());
        topology.addProcessor(
                PROCESSOR,
                () ->
                        new DeviceProcessor(
                                limits,
                                labels,
                                config.updateInterval(),
                                config.idleCheckInterval(),
                                config.deviceOfflineAfter(),
                                book,
                                new RecordTracing(spans)),
                SOURCE);
        addStores(topology, config, limits, topics);
        addSinks(topology, topics);
        addRules(topology, topics.alertRules(), book);
        return topology;
    }

    private static void addStores(
            Topology topology, StreamConfig config, DeviceLimits limits, Topics topics) {
        // Write-behind: a device's record is put per reading, but encoded and written to RocksDB
        // and the changelog once per commit.
        topology.addStateStore(
                new WriteBehindStoreBuilder<>(
                        Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(DEVICE_STORE),
                                Serdes.String(),
                                new DeviceWorkSerde(limits)),
                        DeviceWork::written),
                PROCESSOR);
        for (WindowSpec w : config.windows()) {
            Duration retention = w.size().multipliedBy(config.historyWindows());
            topology.addStateStore(
                    Stores.windowStoreBuilder(
                            Stores.persistentWindowStore(
                                    historyStore(w), retention, w.size(), false),
                            Serdes.String(),
                            new FinalsSerde()),
                    PROCESSOR);
        }
        topology.addStateStore(
                Stores.windowStoreBuilder(
                        Stores.persistentWindowStore(
                                CLEARED_ALERTS_STORE,
                                config.clearedAlertRetention(),
                                Duration.ofMillis(1),
                                true),
                        Serdes.String(),
                        topics.alerts().valueSerde()),
                PROCESSOR);
    }

    private static void addSinks(Topology topology, Topics topics) {
        Serializer<MessageLite> message = (topic, m) -> m == null ? null : m.toByteArray();
        topology.addSink(
                Outputs.AGGREGATES_SINK,
                topics.aggregates().name(),
                Serdes.String().serializer(),
                message,
                PROCESSOR);
        topology.addSink(
                Outputs.DEVICE_STATE_SINK,
                topics.deviceState().name(),
                Serdes.String().serializer(),
                message,
                PROCESSOR);
        topology.addSink(
                Outputs.ALERTS_SINK,
                topics.alerts().name(),
                Serdes.String().serializer(),
                message,
                PROCESSOR);
    }

    private static void addRules(Topology topology, Topic<String, AlertRule> rules, RuleBook book) {
        // Global and unlogged: the compacted rules topic is the store's changelog already.
        topology.addGlobalStore(
                Stores.keyValueStoreBuilder(
                                Stores.inMemoryKeyValueStore(RULES_STORE),
                                Serdes.String(),
                                rules.valueSerde())
                        .withLoggingDisabled(),
                "rules-source",
                Serdes.String().deserializer(),
                rules.valueSerde().deserializer(),
                rules.name(),
                "rules-processor",
                () -> new RulesProcessor(book));
    }
}

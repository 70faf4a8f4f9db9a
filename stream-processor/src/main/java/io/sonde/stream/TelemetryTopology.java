package io.sonde.stream;

import io.sonde.platform.kafka.Topic;
import io.sonde.platform.kafka.Topics;
import io.sonde.proto.v1.Aggregate;
import io.sonde.proto.v1.DeviceState;
import io.sonde.proto.v1.TelemetryRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The stream processor's topology (docs/processing.md): telemetry, deduplicated, feeds per-device
 * state and per-(device, metric) tumbling windows.
 *
 * <pre>
 * telemetry --dedup--+--device-state--------------------------------> device-state
 *                    +--split per metric--repartition--window N------> aggregates (updates)
 *                                                          +--suppress-> aggregates (final)
 * </pre>
 *
 * <p>The repartition is the price of the DSL's windowing: the data is already partitioned by
 * device, but the DSL cannot know that a {@code device/metric} key stays on the device's task. It
 * buys Streams' windowing, grace handling, late-record metric and record caching (which folds
 * bursts of readings into one update per commit).
 *
 * <p>Every operator, store and internal topic is named; renaming one orphans its state, which is
 * why the golden description in the tests must be updated knowingly.
 */
public final class TelemetryTopology {
    public static final String DEDUP_STORE = "dedup-store";
    public static final String DEVICE_STATE_STORE = "device-state-store";

    /** Names the repartition topic {@code <application-id>-telemetry-by-metric-repartition}. */
    public static final String BY_METRIC = "telemetry-by-metric";

    private TelemetryTopology() {}

    /** Name of the window store of the given window, e.g. {@code window-10s-store}. */
    public static String windowStore(WindowSpec window) {
        return "window-" + window.label() + "-store";
    }

    /** The topology for these settings, reading and writing the given topics. */
    public static Topology build(StreamConfig settings, Topics topics) {
        TopologyConfig config =
                new TopologyConfig(new StreamsConfig(StreamsProperties.forTopology(settings)));
        StreamsBuilder builder = new StreamsBuilder(config);
        Topic<String, TelemetryRecord> telemetry = topics.telemetry();
        builder.addStateStore(
                Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(DEDUP_STORE),
                                Serdes.String(),
                                Serdes.Long())
                        // Per-record puts coalesce in the cache until the next commit: one
                        // RocksDB write and one changelog record per device per commit.
                        .withCachingEnabled());

        KStream<String, TelemetryRecord> readings =
                builder.stream(
                                telemetry.name(),
                                Consumed.with(telemetry.keySerde(), telemetry.valueSerde())
                                        .withTimestampExtractor(new TelemetryTime())
                                        .withName("telemetry-source"))
                        .filter(
                                (device, reading) -> device != null && reading != null,
                                Named.as("drop-keyless"))
                        .processValues(
                                () -> new DedupProcessor(DEDUP_STORE),
                                Named.as("dedup"),
                                DEDUP_STORE);

        deviceState(builder, readings, settings, topics.deviceState());
        windows(readings, settings, telemetry.valueSerde(), topics.aggregates());
        return builder.build();
    }

    private static void deviceState(
            StreamsBuilder builder,
            KStream<String, TelemetryRecord> readings,
            StreamConfig settings,
            Topic<String, DeviceState> out) {
        builder.addStateStore(
                Stores.timestampedKeyValueStoreBuilder(
                                Stores.persistentTimestampedKeyValueStore(DEVICE_STATE_STORE),
                                out.keySerde(),
                                out.valueSerde())
                        .withCachingEnabled());
        readings.process(
                        () ->
                                new DeviceStateProcessor(
                                        DEVICE_STATE_STORE,
                                        settings.deviceOfflineAfter(),
                                        settings.offlineCheckInterval()),
                        Named.as("device-state"),
                        DEVICE_STATE_STORE)
                .to(
                        out.name(),
                        Produced.with(out.keySerde(), out.valueSerde())
                                .withName("device-state-sink"));
    }

    private static void windows(
            KStream<String, TelemetryRecord> readings,
            StreamConfig settings,
            Serde<TelemetryRecord> recordSerde,
            Topic<String, Aggregate> out) {
        KGroupedStream<String, TelemetryRecord> series =
                readings.flatMap(WindowAggregates::split, Named.as("split-metrics"))
                        .repartition(
                                Repartitioned.with(Serdes.String(), recordSerde)
                                        .withName(BY_METRIC))
                        .groupByKey(Grouped.with(Serdes.String(), recordSerde));
        for (WindowSpec window : settings.windows()) {
            window(series, window, settings, out);
        }
    }

    private static void window(
            KGroupedStream<String, TelemetryRecord> series,
            WindowSpec window,
            StreamConfig settings,
            Topic<String, Aggregate> out) {
        String prefix = "window-" + window.label();
        KTable<Windowed<String>, Aggregate> aggregates =
                series.windowedBy(TimeWindows.ofSizeAndGrace(window.size(), settings.grace()))
                        .aggregate(
                                Aggregate::getDefaultInstance,
                                (key, reading, aggregate) ->
                                        WindowAggregates.add(reading, aggregate),
                                Named.as(prefix + "-aggregate"),
                                Materialized.<String, Aggregate, WindowStore<Bytes, byte[]>>as(
                                                windowStore(window))
                                        .withKeySerde(Serdes.String())
                                        .withValueSerde(out.valueSerde()));
        aggregates
                .toStream(Named.as(prefix + "-updates"))
                .map(
                        (key, aggregate) -> WindowAggregates.output(window, key, aggregate, false),
                        Named.as(prefix + "-update-records"))
                .to(out.name(), produced(out, prefix + "-update-sink"));
        aggregates
                .suppress(
                        Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded())
                                .withName(prefix + "-final"))
                .toStream(Named.as(prefix + "-finals"))
                .map(
                        (key, aggregate) -> WindowAggregates.output(window, key, aggregate, true),
                        Named.as(prefix + "-final-records"))
                .to(out.name(), produced(out, prefix + "-final-sink"));
    }

    private static Produced<String, Aggregate> produced(Topic<String, Aggregate> out, String name) {
        return Produced.with(out.keySerde(), out.valueSerde()).withName(name);
    }
}

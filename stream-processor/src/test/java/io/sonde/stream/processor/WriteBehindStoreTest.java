package io.sonde.stream.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * The device store's write-behind layer: values held by reference until the commit, written then as
 * they are, and the commit hook Streams really calls.
 */
class WriteBehindStoreTest {
    private static final String STORE = "write-behind-test-store";
    private static final Serde<StringBuilder> TEXT =
            Serdes.serdeFrom(
                    (topic, v) -> v == null ? null : v.toString().getBytes(StandardCharsets.UTF_8),
                    (topic, b) ->
                            b == null
                                    ? null
                                    : new StringBuilder(new String(b, StandardCharsets.UTF_8)));

    private static WriteBehindStoreBuilder<StringBuilder> builder() {
        return builder(v -> {});
    }

    private static WriteBehindStoreBuilder<StringBuilder> builder(Consumer<StringBuilder> written) {
        return new WriteBehindStoreBuilder<>(
                Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore(STORE), Serdes.String(), TEXT),
                written);
    }

    private static WriteBehindStore<StringBuilder> store() {
        return store(v -> {});
    }

    private static WriteBehindStore<StringBuilder> store(Consumer<StringBuilder> written) {
        WriteBehindStore<StringBuilder> s =
                (WriteBehindStore<StringBuilder>) builder(written).withLoggingDisabled().build();
        MockProcessorContext<String, String> context = new MockProcessorContext<>();
        s.init(context.getStateStoreContext(), s);
        return s;
    }

    @Test
    void aPutIsWrittenAtTheCommitWithWhatTheValueHoldsThenAndIsNotReadBefore() {
        WriteBehindStore<StringBuilder> s = store();
        StringBuilder device = new StringBuilder("a");
        s.put("d1", device);
        device.append("b");

        assertThat(s.get("d1")).isNull();
        s.flushCache();
        device.append("c");

        assertThat(s.get("d1")).hasToString("ab");
        s.commit(Map.of());
        assertThat(s.get("d1")).hasToString("ab");
    }

    @Test
    void aCommitPastPendingValuesIsRefusedSoAStreamsThatSkipsTheFlushCannotLoseState() {
        WriteBehindStore<StringBuilder> s = store();
        s.put("d1", new StringBuilder("a"));

        assertThatThrownBy(() -> s.commit(Map.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("1 pending values");
        s.flushCache();
        s.commit(Map.of());
        assertThat(s.get("d1")).hasToString("a");
    }

    @Test
    void deleteDropsThePendingAndTheWrittenValue() {
        WriteBehindStore<StringBuilder> s = store();
        s.put("d1", new StringBuilder("old"));
        s.flushCache();
        s.put("d1", new StringBuilder("new"));

        assertThat(s.delete("d1")).hasToString("new");
        s.flushCache();
        assertThat(s.get("d1")).isNull();
        s.put("d2", null);
        s.flushCache();
        assertThat(s.approximateNumEntries()).isZero();
    }

    @Test
    void putIfAbsentSeesPendingAndWrittenValues() {
        WriteBehindStore<StringBuilder> s = store();
        assertThat(s.putIfAbsent("d1", new StringBuilder("first"))).isNull();
        assertThat(s.putIfAbsent("d1", new StringBuilder("second"))).hasToString("first");
        s.flushCache();
        assertThat(s.putIfAbsent("d1", new StringBuilder("third"))).hasToString("first");
    }

    @Test
    void clearingTheCacheOrReopeningForgetsWhatWasNotCommitted() {
        WriteBehindStore<StringBuilder> s = store();
        s.put("d1", new StringBuilder("a"));
        s.clearCache();
        s.flushCache();
        assertThat(s.get("d1")).isNull();

        s.put("d2", new StringBuilder("b"));
        s.init(new MockProcessorContext<String, String>().getStateStoreContext(), s);
        s.commit(Map.of());
        assertThat(s.get("d2")).isNull();
    }

    @Test
    void everyPendingValueIsReportedOnceWhenItIsWrittenOrDropped() {
        List<String> written = new ArrayList<>();
        WriteBehindStore<StringBuilder> s = store(v -> written.add(v.toString()));
        StringBuilder a = new StringBuilder("a");
        s.put("d1", a);
        s.put("d1", a);
        s.put("d2", new StringBuilder("b"));
        assertThat(written).isEmpty();

        s.flushCache();
        assertThat(written).containsExactly("a", "b");
        s.flushCache();
        assertThat(written).containsExactly("a", "b");

        s.put("d3", new StringBuilder("c"));
        s.clearCache();
        s.put("d4", new StringBuilder("d"));
        s.delete("d4");
        s.delete("d1");
        s.put("d5", new StringBuilder("e"));
        s.init(new MockProcessorContext<String, String>().getStateStoreContext(), s);
        s.put("d6", new StringBuilder("f"));
        s.close();
        assertThat(written).containsExactly("a", "b", "c", "d", "e", "f");
    }

    @Test
    void theBuilderKeepsStreamsCacheOffAndPassesLoggingThrough() {
        WriteBehindStoreBuilder<StringBuilder> b = builder();
        assertThat(b.withCachingEnabled()).isSameAs(b);
        assertThat(b.withLoggingEnabled(Map.of("retention.ms", "1000")).loggingEnabled()).isTrue();
        assertThat(b.logConfig()).containsEntry("retention.ms", "1000");
        assertThat(b.withLoggingDisabled().loggingEnabled()).isFalse();
        assertThat(b.name()).isEqualTo(STORE);
        assertThat(b.withCachingDisabled().build().persistent()).isFalse();
    }

    /** The hook is Streams' internal: this fails if a Streams upgrade stops calling it. */
    @Test
    void streamsWritesThePendingValuesBeforeEachCommit() {
        Topology topology = new Topology();
        topology.addSource(
                "in", Serdes.String().deserializer(), Serdes.String().deserializer(), "in");
        topology.addProcessor("appender", Appender::new, "in");
        topology.addStateStore(builder(), "appender");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "write-behind-test");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        try (TopologyTestDriver driver = new TopologyTestDriver(topology, props)) {
            TestInputTopic<String, String> in =
                    driver.createInputTopic(
                            "in", Serdes.String().serializer(), Serdes.String().serializer());
            in.pipeInput("d1", "x");
            in.pipeInput("d1", "y");
            in.pipeInput("d2", "z");

            KeyValueStore<String, StringBuilder> store = driver.getKeyValueStore(STORE);
            assertThat(store.get("d1")).hasToString("x!y!");
            assertThat(store.get("d2")).hasToString("z!");
        }
    }

    /** Puts its value first and changes it after, as the device processor does. */
    private static final class Appender implements Processor<String, String, Void, Void> {
        private KeyValueStore<String, StringBuilder> store;
        private final Map<String, StringBuilder> memory = new HashMap<>();

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            store = context.getStateStore(STORE);
        }

        @Override
        public void process(Record<String, String> record) {
            StringBuilder v = memory.computeIfAbsent(record.key(), k -> new StringBuilder());
            store.put(record.key(), v);
            v.append(record.value()).append('!');
        }
    }
}

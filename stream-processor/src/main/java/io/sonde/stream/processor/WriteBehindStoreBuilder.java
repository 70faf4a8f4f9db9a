package io.sonde.stream.processor;

import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Builds a {@link WriteBehindStore} over the store {@code inner} builds. The write-behind layer is
 * the store's cache, so {@code inner} is always built without Streams' cache; logging settings pass
 * through (they decide the changelog topic).
 */
final class WriteBehindStoreBuilder<V> implements StoreBuilder<KeyValueStore<String, V>> {
    private final StoreBuilder<KeyValueStore<String, V>> inner;
    private final Consumer<V> written;

    /**
     * @param written told of each pending value as it is written or dropped ({@link
     *     WriteBehindStore})
     */
    WriteBehindStoreBuilder(StoreBuilder<KeyValueStore<String, V>> inner, Consumer<V> written) {
        this.inner = inner.withCachingDisabled();
        this.written = written;
    }

    @Override
    public StoreBuilder<KeyValueStore<String, V>> withCachingEnabled() {
        return this;
    }

    @Override
    public StoreBuilder<KeyValueStore<String, V>> withCachingDisabled() {
        return this;
    }

    @Override
    public StoreBuilder<KeyValueStore<String, V>> withLoggingEnabled(Map<String, String> config) {
        inner.withLoggingEnabled(config);
        return this;
    }

    @Override
    public StoreBuilder<KeyValueStore<String, V>> withLoggingDisabled() {
        inner.withLoggingDisabled();
        return this;
    }

    @Override
    public KeyValueStore<String, V> build() {
        return new WriteBehindStore<>(inner.build(), written);
    }

    @Override
    public Map<String, String> logConfig() {
        return inner.logConfig();
    }

    @Override
    public boolean loggingEnabled() {
        return inner.loggingEnabled();
    }

    @Override
    public String name() {
        return inner.name();
    }
}

package io.sonde.stream.processor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * A key-value store that keeps the latest value put per key, as the object itself, and writes each
 * to the store beneath once per commit. The device store's value is a device's whole working state,
 * rewritten per reading: Streams' own cache would encode it per reading; this one encodes it once
 * per commit (docs/processing.md).
 *
 * <p>Contract. Values are held by reference until the commit: the caller may go on mutating a value
 * it put, and the commit writes what the value holds then. Reads ({@code get}, ranges, and the
 * interactive queries of other threads) see what the last commit wrote, never a pending value: the
 * processor reads its store only when its task starts, after the pending values are dropped.
 * Threads: writes and the commit hooks run on the task's stream thread.
 *
 * <p>Why this is safe with exactly-once: before every commit of the task's transaction, also the
 * ones a rebalance or a shutdown forces, Streams flushes the caches of the task's stores ({@code
 * CachedStateStore.flushCache}); this store writes its pending values there, so the changelog
 * records go out in the transaction that commits the input offsets. That hook is an interface of
 * Streams' internals: {@link #commit} refuses to commit past pending values, so a Streams version
 * that stopped calling it fails the first commit (and every topology test) instead of losing state.
 * The pending map is bounded by the devices of the task seen in one commit interval.
 *
 * <p>Each pending value leaves the map through {@code written}, called on the stream thread when
 * the value is written at a commit or dropped (a delete, a wiped cache, a re-init, a close): an
 * owner that skips putting a value it knows is pending learns there when it must put it again.
 */
final class WriteBehindStore<V> implements KeyValueStore<String, V>, CachedStateStore<String, V> {
    private final KeyValueStore<String, V> inner;
    private final Consumer<V> written;
    private final Map<String, V> pending = new LinkedHashMap<>();

    WriteBehindStore(KeyValueStore<String, V> inner, Consumer<V> written) {
        this.inner = inner;
        this.written = written;
    }

    @Override
    public void put(String key, V value) {
        if (value == null) {
            delete(key);
        } else {
            pending.put(key, value);
        }
    }

    @Override
    public V putIfAbsent(String key, V value) {
        V current = pending.containsKey(key) ? pending.get(key) : inner.get(key);
        if (current == null) {
            put(key, value);
        }
        return current;
    }

    @Override
    public void putAll(List<KeyValue<String, V>> entries) {
        entries.forEach(e -> put(e.key, e.value));
    }

    @Override
    public V delete(String key) {
        V was = pending.remove(key);
        if (was != null) {
            written.accept(was);
        }
        V stored = inner.delete(key);
        return was != null ? was : stored;
    }

    @Override
    public void flushCache() {
        pending.forEach(inner::put);
        drop();
        if (inner instanceof CachedStateStore<?, ?> cached) {
            cached.flushCache();
        }
    }

    @Override
    public void clearCache() {
        drop();
        if (inner instanceof CachedStateStore<?, ?> cached) {
            cached.clearCache();
        }
    }

    @Override
    public boolean setFlushListener(CacheFlushListener<String, V> listener, boolean sendOldValues) {
        return false;
    }

    @Override
    public void commit(Map<TopicPartition, Long> changelogOffsets) {
        if (!pending.isEmpty()) {
            throw new IllegalStateException(
                    "Kafka Streams committed store "
                            + name()
                            + " without flushing its "
                            + pending.size()
                            + " pending values first: this Streams version no longer calls"
                            + " CachedStateStore.flushCache before a commit");
        }
        inner.commit(changelogOffsets);
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        drop();
        inner.init(context, root);
    }

    @Override
    public void close() {
        drop();
        inner.close();
    }

    private void drop() {
        pending.values().forEach(written);
        pending.clear();
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public boolean persistent() {
        return inner.persistent();
    }

    @Override
    public boolean isOpen() {
        return inner.isOpen();
    }

    @Override
    public boolean managesOffsets() {
        return inner.managesOffsets();
    }

    @Override
    public Long committedOffset(TopicPartition partition) {
        return inner.committedOffset(partition);
    }

    @Override
    public long approximateNumUncommittedBytes() {
        return inner.approximateNumUncommittedBytes();
    }

    @Override
    public Position getPosition() {
        return inner.getPosition();
    }

    @Override
    public <R> QueryResult<R> query(Query<R> query, PositionBound bound, QueryConfig config) {
        return inner.query(query, bound, config);
    }

    @Override
    public V get(String key) {
        return inner.get(key);
    }

    @Override
    public KeyValueIterator<String, V> range(String from, String to) {
        return inner.range(from, to);
    }

    @Override
    public KeyValueIterator<String, V> all() {
        return inner.all();
    }

    @Override
    public long approximateNumEntries() {
        return inner.approximateNumEntries();
    }
}

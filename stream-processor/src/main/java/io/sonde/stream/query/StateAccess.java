package io.sonde.stream.query;

import io.sonde.platform.http.ApiException;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreType;

/**
 * The state queries' way into Kafka Streams: this instance's stores, and which instance owns a
 * device. The HTTP server starts before Streams (Streams must know the server's port), so the
 * instance is attached once it exists. While Streams is not RUNNING (starting, rebalancing,
 * restoring) every query is a 503 with {@code Retry-After}, never a wrong, empty answer.
 *
 * <p>Thread-safe: used by HTTP request threads.
 */
public final class StateAccess {
    /** Seconds a client should wait before asking again during a rebalance. */
    static final long RETRY_AFTER_SECONDS = 1;

    private final AtomicReference<KafkaStreams> streams = new AtomicReference<>();
    private volatile HostInfo self = new HostInfo("unknown", 0);

    /** Called once Streams exists; {@code self} is this instance's {@code application.server}. */
    public void attach(KafkaStreams instance, HostInfo address) {
        this.self = address;
        streams.set(instance);
    }

    HostInfo self() {
        return self;
    }

    /** A local store, or 503 while Streams cannot serve it. */
    <T> T store(String name, QueryableStoreType<T> type) throws ApiException {
        KafkaStreams s = running();
        try {
            return s.store(StoreQueryParameters.fromNameAndType(name, type));
        } catch (InvalidStateStoreException e) {
            throw notReady();
        }
    }

    /** The instance whose task owns {@code deviceId} in {@code store}. */
    HostInfo owner(String store, String deviceId) throws ApiException {
        KeyQueryMetadata meta =
                running().queryMetadataForKey(store, deviceId, Serdes.String().serializer());
        if (meta == null || meta == KeyQueryMetadata.NOT_AVAILABLE) {
            throw notReady();
        }
        return meta.activeHost();
    }

    /** Every instance of the application, this one included. */
    Collection<HostInfo> instances() throws ApiException {
        Collection<StreamsMetadata> all = running().metadataForAllStreamsClients();
        if (all.isEmpty()) {
            throw notReady();
        }
        return all.stream().map(StreamsMetadata::hostInfo).distinct().toList();
    }

    private KafkaStreams running() throws ApiException {
        KafkaStreams s = Optional.ofNullable(streams.get()).orElseThrow(StateAccess::notReady);
        if (s.state() != KafkaStreams.State.RUNNING) {
            throw notReady();
        }
        return s;
    }

    static ApiException notReady() {
        return ApiException.unavailable(
                "state is moving between instances or being restored; ask again shortly",
                RETRY_AFTER_SECONDS);
    }
}

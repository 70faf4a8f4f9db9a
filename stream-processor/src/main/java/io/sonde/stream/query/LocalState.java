package io.sonde.stream.query;

import io.sonde.platform.http.ApiException;
import io.sonde.proto.v1.Aggregate;
import io.sonde.proto.v1.Alert;
import io.sonde.stream.config.WindowSpec;
import io.sonde.stream.processor.Records;
import io.sonde.stream.processor.TelemetryTopology;
import io.sonde.stream.state.DeviceWork;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * What this instance's own stores say: its devices' states, windows and active alerts (the device
 * store, as of the last commit) and the history of closed windows and cleared alerts. Thread-safe.
 */
final class LocalState {
    private final StateAccess access;
    private final List<WindowSpec> windows;

    LocalState(StateAccess access, List<WindowSpec> windows) {
        this.access = access;
        this.windows = List.copyOf(windows);
    }

    Optional<DeviceWork> device(String id) throws ApiException {
        return Optional.ofNullable(devices().get(id));
    }

    List<DeviceWork> allDevices() throws ApiException {
        List<DeviceWork> out = new ArrayList<>();
        try (KeyValueIterator<String, DeviceWork> all = devices().all()) {
            all.forEachRemaining(e -> out.add(e.value));
        }
        return out;
    }

    /**
     * Windows of {@code window} for the device's metric (every metric when empty) in [from, to].
     */
    List<Aggregate> aggregates(
            String id, Optional<String> metric, WindowSpec window, long from, long to)
            throws ApiException {
        int track = windows.indexOf(window);
        List<Aggregate> out = new ArrayList<>();
        Optional<DeviceWork> w = device(id);
        if (w.isEmpty()) {
            return out;
        }
        ReadOnlyWindowStore<String, List<Aggregate>> history =
                access.store(
                        TelemetryTopology.historyStore(window), QueryableStoreTypes.windowStore());
        List<String> metrics = new ArrayList<>();
        for (int i = 0; i < w.get().metrics().size(); i++) {
            String name = w.get().metrics().name(i);
            if (metric.isEmpty() || metric.get().equals(name)) {
                metrics.add(name);
            }
        }
        try (WindowStoreIterator<List<Aggregate>> it =
                history.fetch(id, Instant.ofEpochMilli(from), Instant.ofEpochMilli(to))) {
            it.forEachRemaining(kv -> {
                for (Aggregate a : kv.value) {
                    if (metrics.contains(a.getMetric())) {
                        out.add(a);
                    }
                }
            });
        }
        for (Aggregate open : Records.openWindows(w.get(), window.label(), track)) {
            if (metrics.contains(open.getMetric())
                    && open.getStartMs() >= from
                    && open.getStartMs() <= to) {
                out.add(open);
            }
        }
        out.sort(
                Comparator.comparing(Aggregate::getMetric)
                        .thenComparingLong(Aggregate::getStartMs));
        return out;
    }

    List<Alert> activeAlerts() throws ApiException {
        List<Alert> out = new ArrayList<>();
        for (DeviceWork w : allDevices()) {
            out.addAll(Records.activeAlerts(w));
        }
        return out;
    }

    /** Alerts cleared in [from, to] (as far back as the retention keeps them). */
    List<Alert> clearedAlerts(long from, long to) throws ApiException {
        ReadOnlyWindowStore<String, Alert> store =
                access.store(
                        TelemetryTopology.CLEARED_ALERTS_STORE, QueryableStoreTypes.windowStore());
        List<Alert> out = new ArrayList<>();
        try (KeyValueIterator<Windowed<String>, Alert> all =
                store.fetchAll(Instant.ofEpochMilli(from), Instant.ofEpochMilli(to))) {
            all.forEachRemaining((KeyValue<Windowed<String>, Alert> kv) -> out.add(kv.value));
        }
        return out;
    }

    private ReadOnlyKeyValueStore<String, DeviceWork> devices() throws ApiException {
        return access.store(TelemetryTopology.DEVICE_STORE, QueryableStoreTypes.keyValueStore());
    }
}

package io.sonde.stream;

import io.sonde.proto.v1.DeviceState;
import io.sonde.proto.v1.TelemetryRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * Keeps the latest {@link DeviceState} of every device and emits it on each (deduplicated) reading,
 * and again with {@code online=false} once the device has been silent for {@code
 * device-offline-after}.
 *
 * <p>Silence is judged on the wall clock against when a gateway last heard the device ({@code
 * received_unix_nano}, kept as the store entry's timestamp), not against the device clock, which
 * may be skewed or replaying buffered readings. The check runs every {@code
 * offline-check-interval}, so a device goes offline up to that much later than the threshold.
 * Metric values and {@code last_seen_ms} follow event time: a reading older than the newest one
 * seen only fills in metrics not known yet.
 *
 * <p>Runs on the stream thread of the task owning the device; punctuations and {@link #process}
 * never run concurrently.
 */
final class DeviceStateProcessor
        implements Processor<String, TelemetryRecord, String, DeviceState> {
    private final String storeName;
    private final Duration offlineAfter;
    private final Duration checkInterval;
    private ProcessorContext<String, DeviceState> context;
    private TimestampedKeyValueStore<String, DeviceState> states;

    DeviceStateProcessor(String storeName, Duration offlineAfter, Duration checkInterval) {
        this.storeName = storeName;
        this.offlineAfter = offlineAfter;
        this.checkInterval = checkInterval;
    }

    @Override
    public void init(ProcessorContext<String, DeviceState> context) {
        this.context = context;
        this.states = context.getStateStore(storeName);
        context.schedule(checkInterval, PunctuationType.WALL_CLOCK_TIME, this::markSilentOffline);
    }

    @Override
    public void process(Record<String, TelemetryRecord> record) {
        long now = context.currentSystemTimeMs();
        TelemetryRecord reading = record.value();
        ValueAndTimestamp<DeviceState> previous = states.get(record.key());
        long received = TelemetryTime.receivedMillis(reading);
        long heard = Math.max(received > 0 ? received : now, heardAt(previous));
        DeviceState next =
                merge(previous, record.key(), reading, record.timestamp())
                        .setOnline(now - heard < offlineAfter.toMillis())
                        .build();
        states.put(record.key(), ValueAndTimestamp.make(next, heard));
        context.forward(record.withValue(next));
    }

    private static DeviceState.Builder merge(
            ValueAndTimestamp<DeviceState> previous,
            String deviceId,
            TelemetryRecord reading,
            long eventMs) {
        DeviceState.Builder state =
                previous == null
                        ? DeviceState.newBuilder().setDeviceId(deviceId)
                        : previous.value().toBuilder();
        if (eventMs >= state.getLastSeenMs()) {
            state.setLastSeenMs(eventMs).putAllMetrics(reading.getMetricsMap());
        } else {
            reading.getMetricsMap()
                    .forEach((name, value) -> {
                        if (!state.containsMetrics(name)) {
                            state.putMetrics(name, value);
                        }
                    });
        }
        if (Long.compareUnsigned(reading.getSeq(), state.getLastSeq()) > 0) {
            state.setLastSeq(reading.getSeq());
        }
        return state;
    }

    private void markSilentOffline(long now) {
        List<KeyValue<String, ValueAndTimestamp<DeviceState>>> silent = new ArrayList<>();
        // Collect first: writing to a store while iterating it is not safe for every store type.
        try (KeyValueIterator<String, ValueAndTimestamp<DeviceState>> all = states.all()) {
            all.forEachRemaining(entry -> {
                if (entry.value.value().getOnline()
                        && now - entry.value.timestamp() >= offlineAfter.toMillis()) {
                    silent.add(entry);
                }
            });
        }
        for (KeyValue<String, ValueAndTimestamp<DeviceState>> entry : silent) {
            DeviceState offline = entry.value.value().toBuilder().setOnline(false).build();
            states.put(entry.key, ValueAndTimestamp.make(offline, entry.value.timestamp()));
            context.forward(new Record<>(entry.key, offline, now));
        }
    }

    private static long heardAt(ValueAndTimestamp<DeviceState> state) {
        return state == null ? 0 : state.timestamp();
    }
}

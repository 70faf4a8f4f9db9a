package io.sonde.push.kafka;

import io.sonde.platform.records.RecordJson;
import io.sonde.proto.v1.Aggregate;
import io.sonde.proto.v1.DeviceState;
import io.sonde.proto.v1.TelemetryRecord;
import io.sonde.push.hub.Channels;
import io.sonde.push.hub.Cursor;
import io.sonde.push.hub.Hub;
import io.sonde.push.hub.PushEvent;

/**
 * Turns records of Sonde's topics into hub events on the channels of docs/streams.md, and decides
 * what each channel retains for snapshots: every device's state on {@code devices}, the latest
 * reading on {@code telemetry:DEVICE}, the latest window per (metric, window size) on {@code
 * aggregates:DEVICE}. Called by one consumer thread per topic.
 */
final class HubPublisher {
    static final String TELEMETRY_EVENT = "telemetry";
    static final String AGGREGATE_EVENT = "aggregate";
    static final String DEVICE_EVENT = "device";

    private static final String LATEST = "latest";

    private final Hub hub;

    HubPublisher(Hub hub) {
        this.hub = hub;
    }

    void telemetry(String key, TelemetryRecord value, Cursor cursor) {
        if (value == null) {
            return;
        }
        String device = value.getDeviceId().isEmpty() ? key : value.getDeviceId();
        if (device == null || device.isEmpty()) {
            return;
        }
        hub.publishRetained(
                new PushEvent(
                        Channels.telemetry(device),
                        TELEMETRY_EVENT,
                        cursor.encode(),
                        RecordJson.telemetry(value)),
                LATEST);
    }

    void aggregate(String key, Aggregate value, Cursor cursor) {
        if (value == null || value.getDeviceId().isEmpty()) {
            return;
        }
        hub.publishRetained(
                new PushEvent(
                        Channels.aggregates(value.getDeviceId()),
                        AGGREGATE_EVENT,
                        cursor.encode(),
                        RecordJson.aggregate(value)),
                value.getMetric() + "/" + value.getWindow());
    }

    /** A tombstone (null value) removes the device from later snapshots. */
    void deviceState(String key, DeviceState value, Cursor cursor) {
        if (value == null) {
            if (key != null) {
                hub.forget(Channels.DEVICES, key);
            }
            return;
        }
        String device = value.getDeviceId().isEmpty() ? key : value.getDeviceId();
        if (device == null || device.isEmpty()) {
            return;
        }
        DeviceState state =
                value.getDeviceId().isEmpty()
                        ? value.toBuilder().setDeviceId(device).build()
                        : value;
        hub.publishRetained(
                new PushEvent(
                        Channels.DEVICES, DEVICE_EVENT, cursor.encode(), RecordJson.device(state)),
                device);
    }
}

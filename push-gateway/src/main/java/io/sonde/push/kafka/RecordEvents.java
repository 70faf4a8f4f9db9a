package io.sonde.push.kafka;

import io.sonde.platform.records.RecordJson;
import io.sonde.proto.v1.Aggregate;
import io.sonde.proto.v1.Alert;
import io.sonde.proto.v1.AlertState;
import io.sonde.proto.v1.DeviceState;
import io.sonde.proto.v1.TelemetryRecord;
import io.sonde.push.hub.Channels;
import io.sonde.push.hub.Emit;
import java.util.List;

/**
 * What each record of Sonde's topics means for the channels of docs/streams.md, and what each
 * channel retains for snapshots: every device's state on {@code devices}, the latest reading on
 * {@code telemetry:D}, the latest window per (metric, window size) on {@code aggregates:D}, every
 * active alert on {@code alerts} and {@code alerts:D}. The live fan-out and the replays of history
 * both read records through here, so that a replayed event is the same as the live one was.
 *
 * <p>Readings and alerts carry the {@code traceparent} of the record they came from (the span that
 * wrote it: the ingest gateway's publish, the processor's alert raise or clear), so that a client
 * can join the trace; {@code traceparent} is empty when the record has none.
 *
 * <p>Stateless and thread-safe. A null value is a tombstone.
 */
final class RecordEvents {
    static final String TELEMETRY_EVENT = "telemetry";
    static final String AGGREGATE_EVENT = "aggregate";
    static final String DEVICE_EVENT = "device";
    static final String ALERT_EVENT = "alert";

    private static final String LATEST = "latest";

    private RecordEvents() {}

    static List<Emit> telemetry(String key, TelemetryRecord value, String traceparent) {
        if (value == null) {
            return List.of();
        }
        String device = value.getDeviceId().isEmpty() ? key : value.getDeviceId();
        if (device == null || device.isEmpty()) {
            return List.of();
        }
        return List.of(
                Emit.retained(
                        Channels.telemetry(device),
                        TELEMETRY_EVENT,
                        RecordJson.telemetry(value, traceparent),
                        LATEST));
    }

    static List<Emit> aggregate(String key, Aggregate value, String traceparent) {
        if (value == null || value.getDeviceId().isEmpty()) {
            return List.of();
        }
        return List.of(
                Emit.retained(
                        Channels.aggregates(value.getDeviceId()),
                        AGGREGATE_EVENT,
                        RecordJson.aggregate(value),
                        value.getMetric() + "/" + value.getWindow()));
    }

    /** A tombstone removes the device from later snapshots. */
    static List<Emit> deviceState(String key, DeviceState value, String traceparent) {
        if (value == null) {
            return key == null ? List.of() : List.of(Emit.forget(Channels.DEVICES, key));
        }
        String device = value.getDeviceId().isEmpty() ? key : value.getDeviceId();
        if (device == null || device.isEmpty()) {
            return List.of();
        }
        DeviceState state =
                value.getDeviceId().isEmpty()
                        ? value.toBuilder().setDeviceId(device).build()
                        : value;
        return List.of(
                Emit.retained(Channels.DEVICES, DEVICE_EVENT, RecordJson.device(state), device));
    }

    /** An active alert is retained until the event that clears it. */
    static List<Emit> alert(String key, Alert value, String traceparent) {
        if (value == null || value.getDeviceId().isEmpty() || value.getId().isEmpty()) {
            return List.of();
        }
        String json = RecordJson.alert(value, traceparent);
        boolean active = value.getState() == AlertState.ACTIVE;
        String fleet = Channels.ALERTS;
        String device = Channels.alerts(value.getDeviceId());
        if (active) {
            return List.of(
                    Emit.retained(fleet, ALERT_EVENT, json, value.getId()),
                    Emit.retained(device, ALERT_EVENT, json, value.getId()));
        }
        return List.of(
                Emit.dropping(fleet, ALERT_EVENT, json, value.getId()),
                Emit.dropping(device, ALERT_EVENT, json, value.getId()));
    }
}

package io.sonde.stream.processor;

import io.sonde.proto.v1.Aggregate;
import io.sonde.proto.v1.Alert;
import io.sonde.proto.v1.AlertState;
import io.sonde.proto.v1.DeviceState;
import io.sonde.stream.alert.AlertTrack;
import io.sonde.stream.alert.Transition;
import io.sonde.stream.state.Accumulator;
import io.sonde.stream.state.DeviceWork;
import io.sonde.stream.state.MetricTable;
import io.sonde.stream.state.OpenWindow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The public records (docs/topics.md) of a device's working state: what the sinks write and what
 * the state queries answer. Stateless and thread-safe.
 */
public final class Records {
    private Records() {}

    /** The device's state. */
    public static DeviceState deviceState(DeviceWork w) {
        DeviceState.Builder s =
                DeviceState.newBuilder()
                        .setDeviceId(w.deviceId())
                        .setOnline(w.online())
                        .setLastSeenMs(w.lastSeenMs())
                        .setLastSeq(w.lastSeq());
        MetricTable metrics = w.metrics();
        for (int i = 0; i < metrics.size(); i++) {
            if (metrics.lastTime(i) != Long.MIN_VALUE) {
                s.putMetrics(metrics.name(i), metrics.last(i));
            }
        }
        return s.build();
    }

    /** One accumulator; a final gets one revision more than its last update. */
    public static Aggregate aggregate(
            DeviceWork w,
            String label,
            int track,
            OpenWindow win,
            int metric,
            Accumulator a,
            boolean closed) {
        long size = w.track(track).sizeMs();
        return Aggregate.newBuilder()
                .setDeviceId(w.deviceId())
                .setMetric(w.metrics().name(metric))
                .setWindow(label)
                .setStartMs(win.start())
                .setEndMs(win.start() + size)
                .setCount(a.count())
                .setMin(a.min())
                .setMax(a.max())
                .setSum(a.sum())
                .setMean(a.sum() / a.count())
                .setLast(a.last())
                .setLastTimeMs(a.lastTime())
                .setRevision(a.revision() + (closed ? 1 : 0))
                .setFinal(closed)
                .build();
    }

    /** The open (not yet final) windows of track {@code track}, every metric. */
    public static List<Aggregate> openWindows(DeviceWork w, String label, int track) {
        List<Aggregate> out = new ArrayList<>();
        for (OpenWindow win : w.track(track).open()) {
            for (int m = 0; m < win.width(); m++) {
                Accumulator a = win.get(m);
                if (a != null) {
                    out.add(aggregate(w, label, track, win, m, a, false));
                }
            }
        }
        return out;
    }

    /** An alert event. */
    public static Alert alert(String deviceId, Transition t) {
        return Alert.newBuilder()
                .setId(t.alertId())
                .setRuleId(t.ruleId())
                .setDeviceId(deviceId)
                .setMetric(t.metric())
                .setSeverity(t.severity())
                .setState(t.raised() ? AlertState.ACTIVE : AlertState.CLEARED)
                .setValue(t.value())
                .setThreshold(t.threshold())
                .setRaisedAtMs(t.raisedAtMs())
                .setClearedAtMs(t.clearedAtMs())
                .setMessage(t.message())
                .build();
    }

    /** The device's open alert episodes, as active alerts. */
    public static List<Alert> activeAlerts(DeviceWork w) {
        List<Alert> out = new ArrayList<>();
        for (Map.Entry<String, AlertTrack> e : w.alerts().entrySet()) {
            AlertTrack t = e.getValue();
            if (t.active()) {
                out.add(
                        Alert.newBuilder()
                                .setId(t.alertId())
                                .setRuleId(e.getKey())
                                .setDeviceId(w.deviceId())
                                .setMetric(t.metric())
                                .setSeverity(t.severity())
                                .setState(AlertState.ACTIVE)
                                .setValue(t.raisedValue())
                                .setThreshold(t.threshold())
                                .setRaisedAtMs(t.raisedAt())
                                .setMessage(t.message())
                                .build());
            }
        }
        return out;
    }
}

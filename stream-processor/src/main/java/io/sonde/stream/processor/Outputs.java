package io.sonde.stream.processor;

import com.google.protobuf.MessageLite;
import io.sonde.proto.v1.Aggregate;
import io.sonde.proto.v1.Alert;
import io.sonde.stream.alert.Transition;
import io.sonde.stream.state.Accumulator;
import io.sonde.stream.state.DeviceWork;
import io.sonde.stream.state.OpenWindow;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;

/**
 * What the device processor writes: aggregate, device-state and alert records to their sinks, all
 * keyed by device id, and the history the state queries read (final aggregates, cleared alerts).
 * Output timestamps are processing time. Used on the task's stream thread only.
 */
final class Outputs {
    static final String AGGREGATES_SINK = "aggregates-sink";
    static final String DEVICE_STATE_SINK = "device-state-sink";
    static final String ALERTS_SINK = "alerts-sink";

    private final ProcessorContext<String, MessageLite> context;
    private final List<String> windowLabels;
    private final List<WindowStore<String, List<Aggregate>>> history;
    private final WindowStore<String, Alert> clearedAlerts;
    private final RecordTracing tracing;

    Outputs(
            ProcessorContext<String, MessageLite> context,
            List<String> windowLabels,
            List<WindowStore<String, List<Aggregate>>> history,
            WindowStore<String, Alert> clearedAlerts,
            RecordTracing tracing) {
        this.context = context;
        this.tracing = tracing;
        this.windowLabels = windowLabels;
        this.history = history;
        this.clearedAlerts = clearedAlerts;
    }

    /** One update record per accumulator that changed since it was last emitted. */
    void updates(DeviceWork w, long now) {
        for (int t = 0; t < w.trackCount(); t++) {
            for (OpenWindow win : w.track(t).open()) {
                for (int m = 0; m < win.width(); m++) {
                    Accumulator a = win.get(m);
                    if (a != null && a.dirty()) {
                        forward(
                                AGGREGATES_SINK,
                                w.deviceId(),
                                Records.aggregate(w, windowLabels.get(t), t, win, m, a, false),
                                now);
                        a.clean();
                    }
                }
            }
        }
    }

    /**
     * One final record per metric of each closed window; the window's finals are kept in the
     * history as one entry keyed by device.
     */
    void finals(DeviceWork w, List<DeviceWork.Closed> closed, long now) {
        for (DeviceWork.Closed c : closed) {
            OpenWindow win = c.window();
            List<Aggregate> finals = new ArrayList<>(win.width());
            for (int m = 0; m < win.width(); m++) {
                Accumulator a = win.get(m);
                if (a != null) {
                    Aggregate agg =
                            Records.aggregate(
                                    w, windowLabels.get(c.track()), c.track(), win, m, a, true);
                    forward(AGGREGATES_SINK, w.deviceId(), agg, now);
                    finals.add(agg);
                }
            }
            if (!finals.isEmpty()) {
                history.get(c.track()).put(w.deviceId(), finals, win.start());
            }
        }
    }

    /** The device's state when it changed since it was last emitted. */
    void state(DeviceWork w, long now) {
        if (!w.stateDirty()) {
            return;
        }
        forward(DEVICE_STATE_SINK, w.deviceId(), Records.deviceState(w), now);
        w.stateEmitted();
    }

    /**
     * An alert raise or clear; {@code cause} holds the headers of the reading that caused it, null
     * when no reading did (a silence, a rule change).
     */
    void alert(String deviceId, Transition t, Headers cause, long now) {
        Alert alert = Records.alert(deviceId, t);
        context.forward(
                new Record<String, MessageLite>(
                        deviceId, alert, now, tracing.alert(deviceId, t, cause)),
                ALERTS_SINK);
        if (!t.raised()) {
            clearedAlerts.put(deviceId, alert, t.clearedAtMs());
        }
    }

    private void forward(String sink, String key, MessageLite value, long now) {
        context.forward(new Record<>(key, value, now), sink);
    }
}

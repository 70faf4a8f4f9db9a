package io.sonde.stream.state;

import io.sonde.stream.alert.AlertTrack;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the processor keeps about one device, in one record of one store: which seqs it has
 * seen, its metric names and last values, its open windows per size, its alert state machines and
 * its own clock (the newest event time, and when a gateway last heard it).
 *
 * <p>Bounded: the replay window is fixed, names are capped, windows close on the device's time, and
 * only non-idle alert tracks are kept. Not thread-safe: owned by the device's task.
 */
public final class DeviceWork {
    /** A window closed by the device's time: the track it belongs to and its accumulators. */
    public record Closed(int track, OpenWindow window) {}

    private final String deviceId;
    private final DeviceLimits limits;
    ReplayWindow seen;
    final MetricTable metrics;
    final WindowTrack[] tracks;
    // fold's window per size, reused: a reading must not cost an allocation for its lookups.
    private final OpenWindow[] windows;
    final Map<String, AlertTrack> alerts = new LinkedHashMap<>();
    long highEventMs = Long.MIN_VALUE;
    long lastReceivedMs;
    long lastSeenMs;
    boolean online;
    boolean stateDirty;
    // The task's bookkeeping, not state (never encoded): whether the device store holds this
    // object as a pending write, and whether the device waits in an emission slot. A reading then
    // costs no store put and no set insertion for a device already queued for both.
    private boolean writeQueued;
    private boolean emitQueued;

    public DeviceWork(String deviceId, DeviceLimits limits) {
        this.deviceId = deviceId;
        this.limits = limits;
        this.seen = new ReplayWindow(limits.replayWindow());
        this.metrics = new MetricTable(limits.maxMetrics());
        this.tracks = new WindowTrack[limits.windowSizesMs().size()];
        for (int i = 0; i < tracks.length; i++) {
            tracks[i] = new WindowTrack(limits.windowSizesMs().get(i));
        }
        this.windows = new OpenWindow[tracks.length];
    }

    public String deviceId() {
        return deviceId;
    }

    public DeviceLimits limits() {
        return limits;
    }

    /** Dedup: whether the reading {@code seq} is new. */
    public ReplayWindow.Verdict admit(long seq) {
        return seen.accept(seq);
    }

    /** A new reading arrived: the device's clock moves, and it is online. */
    public void heard(long eventMs, long receivedMs) {
        highEventMs = Math.max(highEventMs, eventMs);
        lastReceivedMs = Math.max(lastReceivedMs, receivedMs);
        if (eventMs >= lastSeenMs) {
            lastSeenMs = eventMs;
            stateDirty = true;
        }
        if (!online) {
            online = true;
            stateDirty = true;
        }
    }

    /**
     * Folds one reading's values into the device state and into every window of event time {@code
     * t} that is not late on the device's own time. Names beyond the cap are left out.
     *
     * @return how many of the reading's names the cap refused
     */
    public int fold(Reading reading, long t) {
        // One window lookup per size for the whole reading, not one per metric.
        for (int i = 0; i < tracks.length; i++) {
            windows[i] =
                    tracks[i].isLate(t, highEventMs, limits.graceMs())
                            ? null
                            : tracks[i].windowFor(t);
        }
        int refused = 0;
        for (int e = 0; e < reading.size(); e++) {
            int metric = metrics.indexOf(reading, e, e);
            if (metric < 0) {
                refused++;
                continue;
            }
            double value = reading.value(e);
            if (metrics.record(metric, value, t)) {
                stateDirty = true;
            }
            for (OpenWindow w : windows) {
                if (w != null) {
                    w.accumulator(metric).add(value, t);
                }
            }
        }
        return refused;
    }

    /** Removes the windows whose end + grace is at or before device time {@code t}. */
    public List<Closed> closeUpTo(long t) {
        // Asked per reading; most readings close nothing.
        if (!closes(t)) {
            return List.of();
        }
        List<Closed> closed = new ArrayList<>(1);
        for (int i = 0; i < tracks.length; i++) {
            for (OpenWindow w : tracks[i].closeUpTo(t, limits.graceMs())) {
                closed.add(new Closed(i, w));
            }
        }
        return closed;
    }

    private boolean closes(long t) {
        for (WindowTrack track : tracks) {
            if (track.closes(t, limits.graceMs())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The device's time as best known at {@code partitionNow} (the task's receive-time clock): its
     * newest event time, moved on by the time since a gateway last heard it. A device whose clock
     * runs fast or slow keeps its offset; a quiet device's windows still close.
     */
    public long estimatedTime(long partitionNow) {
        if (highEventMs == Long.MIN_VALUE) {
            return Long.MIN_VALUE;
        }
        return highEventMs + Math.max(0, partitionNow - lastReceivedMs);
    }

    /** Marks the device offline; returns whether that changed anything. */
    public boolean goOffline() {
        if (!online) {
            return false;
        }
        online = false;
        stateDirty = true;
        return true;
    }

    /** The alert track of a rule, created idle. */
    public AlertTrack alert(String ruleId) {
        return alerts.computeIfAbsent(ruleId, id -> new AlertTrack());
    }

    /** Forgets idle alert tracks, so only pending and active ones are kept. */
    public void dropIdleAlerts() {
        alerts.values().removeIf(AlertTrack::idle);
    }

    public Map<String, AlertTrack> alerts() {
        return alerts;
    }

    public MetricTable metrics() {
        return metrics;
    }

    public WindowTrack track(int i) {
        return tracks[i];
    }

    public int trackCount() {
        return tracks.length;
    }

    public long highEventMs() {
        return highEventMs;
    }

    public long lastReceivedMs() {
        return lastReceivedMs;
    }

    public long lastSeenMs() {
        return lastSeenMs;
    }

    public long lastSeq() {
        return seen.isEmpty() ? 0 : seen.highest();
    }

    public boolean online() {
        return online;
    }

    public boolean stateDirty() {
        return stateDirty;
    }

    public void stateEmitted() {
        stateDirty = false;
    }

    /** Queues the object for the store's next write; returns false when it already was. */
    public boolean queueWrite() {
        boolean was = writeQueued;
        writeQueued = true;
        return !was;
    }

    /** The store wrote (or dropped) its pending copy: the next change must be put again. */
    public void written() {
        writeQueued = false;
    }

    /** Queues the device for its next emission slot; returns false when it already was. */
    public boolean queueEmit() {
        boolean was = emitQueued;
        emitQueued = true;
        return !was;
    }

    /** The device's emission slot came: its next change must queue it again. */
    public void emitted() {
        emitQueued = false;
    }

    /** Whether any window accumulator changed since it was last emitted. */
    public boolean windowsDirty() {
        for (WindowTrack track : tracks) {
            for (OpenWindow w : track.open()) {
                for (int m = 0; m < w.width(); m++) {
                    Accumulator a = w.get(m);
                    if (a != null && a.dirty) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}

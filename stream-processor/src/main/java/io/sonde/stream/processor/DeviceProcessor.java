package io.sonde.stream.processor;

import com.google.protobuf.MessageLite;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.sonde.proto.v1.Aggregate;
import io.sonde.proto.v1.Alert;
import io.sonde.proto.v1.AlertRule;
import io.sonde.stream.alert.RuleBook;
import io.sonde.stream.alert.Transition;
import io.sonde.stream.state.DeviceLimits;
import io.sonde.stream.state.DeviceWork;
import io.sonde.stream.state.Reading;
import io.sonde.stream.state.ReplayWindow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Everything the processor computes for a device, on the device's task (the telemetry topic is
 * keyed by device, so no repartition is needed): dedup, the metric-name cap, device state, windows,
 * alerts (docs/processing.md).
 *
 * <p>Per reading it reads its device's working state from memory and writes it back to the device
 * store (changelogged, {@link WriteBehindStore}: encoded and logged once per device per commit).
 * Alerts and the finals of windows the device's own time closed go out at once; a device's window
 * updates and state go out once per {@code emitInterval} (the update interval) when they changed,
 * in the device's slot of the interval (devices are spread over {@link #SLOTS} slots). Every {@code
 * idleInterval} it closes the windows of quiet devices, marks them offline and raises absence
 * alerts, on the task's clock ({@link TaskClock}).
 *
 * <p>Threads: Streams calls {@code process} and the punctuators on the task's stream thread, never
 * concurrently. The in-memory copy of the store is this task's only: it is rebuilt from the store
 * whenever the task is initialised (start, move, or a revive after a failed commit).
 */
final class DeviceProcessor implements Processor<String, Reading, String, MessageLite> {
    static final String DEVICE_STORE = "device-store";
    static final String CLEARED_ALERTS_STORE = "cleared-alerts-store";
    static final String RULES_STORE = "rules-store";
    static final int SLOTS = 10;

    /** The history store of final aggregates of one window size. */
    static String historyStore(String windowLabel) {
        return "aggregates-" + windowLabel + "-store";
    }

    private final DeviceLimits limits;
    private final List<String> windowLabels;
    private final Duration emitInterval;
    private final Duration idleInterval;
    private final long offlineAfterMs;
    private final RuleBook book;
    private final RecordTracing tracing;
    private final Map<String, DeviceWork> work = new HashMap<>();
    // Devices with changes not yet emitted, by emission slot: a device is emitted in its own
    // slot, one of SLOTS per update interval, so the interval's updates go out in SLOTS even
    // parts instead of one burst that would hold up the readings behind it.
    private final List<Set<String>> dirty = new ArrayList<>(SLOTS);
    private int slot;
    private ProcessorContext<String, MessageLite> context;
    private KeyValueStore<String, DeviceWork> store;
    private ProcessorSensors sensors;
    private Outputs outputs;
    private AlertRules alerts;
    private TaskClock clock;
    private long nextEmit;

    DeviceProcessor(
            DeviceLimits limits,
            List<String> windowLabels,
            Duration emitInterval,
            Duration idleInterval,
            Duration offlineAfter,
            RuleBook book,
            RecordTracing tracing) {
        this.limits = limits;
        this.tracing = tracing;
        this.windowLabels = List.copyOf(windowLabels);
        this.emitInterval = emitInterval;
        this.idleInterval = idleInterval;
        this.offlineAfterMs = offlineAfter.toMillis();
        this.book = book;
        for (int i = 0; i < SLOTS; i++) {
            dirty.add(new LinkedHashSet<>());
        }
    }

    @Override
    public void init(ProcessorContext<String, MessageLite> context) {
        this.context = context;
        this.store = context.getStateStore(DEVICE_STORE);
        List<WindowStore<String, List<Aggregate>>> history = new ArrayList<>();
        for (String label : windowLabels) {
            history.add(context.getStateStore(historyStore(label)));
        }
        WindowStore<String, Alert> cleared = context.getStateStore(CLEARED_ALERTS_STORE);
        this.outputs = new Outputs(context, windowLabels, history, cleared, tracing);
        this.sensors = new ProcessorSensors(context.metrics());
        KeyValueStore<String, AlertRule> rules = context.getStateStore(RULES_STORE);
        book.reload(() -> RulesProcessor.read(rules));
        this.alerts = new AlertRules(book);
        long now = context.currentSystemTimeMs();
        this.clock = new TaskClock(now);
        load();
        this.nextEmit = now + tick().toMillis();
        context.schedule(tick(), PunctuationType.WALL_CLOCK_TIME, this::emit);
        context.schedule(idleInterval, PunctuationType.WALL_CLOCK_TIME, this::idle);
    }

    // The store is the truth after a restart, a move or a revive (Streams may wipe the stores and
    // init this same instance again): forget what memory held, reload the store, and what was not
    // yet emitted.
    private void load() {
        work.clear();
        dirty.forEach(Set::clear);
        slot = 0;
        try (KeyValueIterator<String, DeviceWork> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, DeviceWork> e = all.next();
                work.put(e.key, e.value);
                if (e.value.stateDirty() || e.value.windowsDirty()) {
                    queueEmit(e.value);
                }
            }
        }
    }

    @Override
    public void process(Record<String, Reading> record) {
        // Streams always has the metadata of the record it hands to process().
        Span span =
                context.recordMetadata()
                        .map(where -> tracing.process(record.headers(), where))
                        .orElse(Span.getInvalid());
        try (Scope ignored = span.makeCurrent()) {
            processInSpan(record);
        } catch (RuntimeException e) {
            span.setStatus(StatusCode.ERROR, e.getClass().getSimpleName());
            span.recordException(e);
            throw e;
        } finally {
            span.end();
        }
    }

    private void processInSpan(Record<String, Reading> record) {
        String device = record.key();
        Reading reading = record.value();
        if (device == null || device.isEmpty() || reading == null) {
            return;
        }
        long wall = context.currentSystemTimeMs();
        long received = reading.receivedUnixNano() / 1_000_000L;
        clock.processed(received > 0 ? received : wall, wall);
        reconcileIfRulesChanged(wall);
        DeviceWork w = work.get(device);
        if (w == null) {
            w = new DeviceWork(device, limits);
            work.put(device, w);
        }
        if (w.admit(reading.seq()) != ReplayWindow.Verdict.NEW) {
            sensors.duplicate();
            return;
        }
        long t = record.timestamp();
        w.heard(t, received > 0 ? received : wall);
        fold(w, reading, t);
        // A reading older than the grace says nothing about the device now: no alert from it.
        if (t + limits.graceMs() >= w.highEventMs()) {
            emit(device, alerts.onReading(w, reading, t), record.headers(), wall);
        }
        outputs.finals(w, w.closeUpTo(w.highEventMs()), wall);
        save(w);
    }

    private void fold(DeviceWork w, Reading reading, long t) {
        for (int i = 0; i < w.trackCount(); i++) {
            if (w.track(i).isLate(t, w.highEventMs(), limits.graceMs())) {
                sensors.late(windowLabels.get(i));
            }
        }
        for (int i = w.fold(reading, t); i > 0; i--) {
            sensors.nameDropped();
        }
    }

    private Duration tick() {
        return emitInterval.dividedBy(SLOTS);
    }

    private void emit(long wall) {
        if (wall > nextEmit) {
            sensors.punctuationLag(wall - nextEmit);
        }
        nextEmit = wall + tick().toMillis();
        slot = (slot + 1) % SLOTS;
        Set<String> due = dirty.get(slot);
        for (String device : due) {
            DeviceWork w = work.get(device);
            w.emitted();
            outputs.updates(w, wall);
            outputs.state(w, wall);
            queueWrite(w);
        }
        due.clear();
    }

    private void queueEmit(DeviceWork w) {
        if (w.queueEmit()) {
            dirty.get(Math.floorMod(w.deviceId().hashCode(), SLOTS)).add(w.deviceId());
        }
    }

    private void queueWrite(DeviceWork w) {
        if (w.queueWrite()) {
            store.put(w.deviceId(), w);
        }
    }

    private void idle(long wall) {
        long now = clock.now(wall);
        if (now == Long.MIN_VALUE) {
            return;
        }
        reconcileIfRulesChanged(wall);
        for (DeviceWork w : work.values()) {
            List<DeviceWork.Closed> closed = w.closeUpTo(w.estimatedTime(now));
            boolean changed = !closed.isEmpty();
            outputs.finals(w, closed, wall);
            if (now - w.lastReceivedMs() >= offlineAfterMs) {
                changed |= w.goOffline();
            }
            List<Transition> raised = alerts.onIdle(w, now);
            emit(w.deviceId(), raised, null, wall);
            if (changed || !raised.isEmpty()) {
                save(w);
            }
        }
    }

    private void reconcileIfRulesChanged(long wall) {
        if (!alerts.changed()) {
            return;
        }
        for (DeviceWork w : work.values()) {
            List<Transition> cleared = alerts.reconcile(w);
            if (!cleared.isEmpty()) {
                emit(w.deviceId(), cleared, null, wall);
                save(w);
            }
        }
    }

    private void emit(String device, List<Transition> transitions, Headers headers, long wall) {
        for (Transition t : transitions) {
            outputs.alert(device, t, headers, wall);
            sensors.alert(t.severity(), t.raised());
        }
    }

    // Put once per commit and queued once per emission: the store holds the object itself until
    // it writes it (WriteBehindStore), so later changes to it need no second put.
    private void save(DeviceWork w) {
        queueWrite(w);
        queueEmit(w);
    }
}

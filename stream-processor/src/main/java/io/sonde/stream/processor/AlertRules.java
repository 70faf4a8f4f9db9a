package io.sonde.stream.processor;

import io.sonde.stream.alert.AlertTrack;
import io.sonde.stream.alert.Rule;
import io.sonde.stream.alert.RuleBook;
import io.sonde.stream.alert.Transition;
import io.sonde.stream.state.DeviceWork;
import io.sonde.stream.state.Reading;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The rules as one task applies them: which rules watch which device (computed once per device per
 * rule version, not per reading), what a reading or a silence does to each device's alert tracks,
 * and the clears owed when rules change. Used on the task's stream thread only.
 */
final class AlertRules {
    // Matches no version: the first reading or check after a start reconciles every restored
    // device, so alerts of rules deleted or changed while this task was elsewhere still clear.
    private static final RuleBook.Snapshot UNKNOWN = new RuleBook.Snapshot(-1, Map.of());

    private final RuleBook book;
    private final Map<String, List<Rule>> byDevice = new HashMap<>();
    private RuleBook.Snapshot previous = UNKNOWN;
    private RuleBook.Snapshot applied = UNKNOWN;

    AlertRules(RuleBook book) {
        this.book = book;
    }

    /** Whether the rules changed since the last call; if so, the caller reconciles every device. */
    boolean changed() {
        RuleBook.Snapshot now = book.current();
        if (now.version() == applied.version()) {
            return false;
        }
        previous = applied;
        applied = now;
        byDevice.clear();
        return true;
    }

    /** What a new reading at device time {@code t} does to the device's alerts. */
    List<Transition> onReading(DeviceWork w, Reading reading, long t) {
        List<Transition> out = new ArrayList<>(0);
        for (Rule rule : rulesFor(w.deviceId())) {
            if (rule.kind() == Rule.Kind.THRESHOLD) {
                int metric = w.metrics().find(rule.metric());
                OptionalDouble value =
                        metric < 0 ? OptionalDouble.empty() : w.metrics().valueIn(reading, metric);
                if (value.isPresent()) {
                    add(
                            out,
                            w.alert(rule.id()).observe(rule, w.deviceId(), value.getAsDouble(), t));
                }
            } else {
                AlertTrack track = w.alerts().get(rule.id());
                if (track != null) {
                    add(out, track.heard(t));
                }
            }
        }
        w.dropIdleAlerts();
        return out;
    }

    /** What silence until task time {@code now} does to the device's absence rules. */
    List<Transition> onIdle(DeviceWork w, long now) {
        if (w.lastReceivedMs() == 0) {
            return List.of();
        }
        List<Transition> out = new ArrayList<>(0);
        long silent = now - w.lastReceivedMs();
        for (Rule rule : rulesFor(w.deviceId())) {
            if (rule.kind() == Rule.Kind.ABSENCE && silent >= rule.afterMs()) {
                add(out, w.alert(rule.id()).silence(rule, w.deviceId(), w.lastSeenMs(), silent));
            }
        }
        w.dropIdleAlerts();
        return out;
    }

    /**
     * The clears owed to the device after a rule change: one per open episode whose rule was
     * deleted, no longer watches the device, or now watches something else. A condition still
     * pending under a rule that changed starts over under the new rule.
     */
    List<Transition> reconcile(DeviceWork w) {
        List<Transition> out = new ArrayList<>(0);
        long t = Math.max(w.highEventMs(), 0);
        Iterator<Map.Entry<String, AlertTrack>> it = w.alerts().entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, AlertTrack> e = it.next();
            Rule rule = applied.rules().get(e.getKey());
            AlertTrack track = e.getValue();
            Optional<String> why = withdrawal(rule, e.getKey(), w.deviceId(), track);
            if (why.isPresent()) {
                add(out, track.withdraw(t, why.get()));
            }
            Rule before = previous.rules().get(e.getKey());
            if (!track.active() && before != null && !before.equals(rule)) {
                it.remove();
            } else if (track.idle()) {
                it.remove();
            }
        }
        return out;
    }

    private static Optional<String> withdrawal(
            Rule rule, String ruleId, String deviceId, AlertTrack track) {
        if (rule == null) {
            return Optional.of("rule " + ruleId + " deleted");
        }
        if (!rule.appliesTo(deviceId)) {
            return Optional.of("rule " + ruleId + " no longer applies to this device");
        }
        if (track.active() && !rule.metric().equals(track.metric())) {
            return Optional.of("rule " + ruleId + " now watches another metric");
        }
        return Optional.empty();
    }

    private List<Rule> rulesFor(String deviceId) {
        return byDevice.computeIfAbsent(
                deviceId,
                d -> applied.rules().values().stream().filter(r -> r.appliesTo(d)).toList());
    }

    private static void add(List<Transition> out, Optional<Transition> t) {
        t.ifPresent(out::add);
    }
}

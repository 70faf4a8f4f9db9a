package io.sonde.stream.alert;

import java.util.Optional;

/**
 * The state machine of one rule on one device: idle, pending (a threshold condition holds but not
 * yet for {@code forMs}), active. Each way into active yields exactly one raise, each way out
 * exactly one clear; the state is part of the device's changelogged state, so this holds across
 * retries, rebalances and restarts. An active track remembers what it raised (metric, severity,
 * threshold), so that it can be cleared after its rule was changed or deleted. Not thread-safe.
 */
public final class AlertTrack {
    /** No pending condition. */
    public static final long NONE = Long.MIN_VALUE;

    /**
     * Everything a track holds, for the codec.
     *
     * @param pendingSince device time since which the condition holds, or {@link #NONE}
     * @param active whether an episode is open
     * @param alertId the open episode's id
     * @param metric what it raised on
     * @param severity at raise time
     * @param raisedAt device time of the raise
     * @param raisedValue the value that raised it
     * @param threshold the threshold at raise time
     * @param message the raise's message
     */
    public record Episode(
            long pendingSince,
            boolean active,
            String alertId,
            String metric,
            String severity,
            long raisedAt,
            double raisedValue,
            double threshold,
            String message) {}

    private long pendingSince = NONE;
    private boolean active;
    private String alertId = "";
    private String metric = "";
    private String severity = "";
    private long raisedAt;
    private double raisedValue;
    private double threshold;
    private String message = "";

    public static AlertTrack restore(Episode e) {
        AlertTrack t = new AlertTrack();
        t.pendingSince = e.pendingSince();
        t.active = e.active();
        t.alertId = e.alertId();
        t.metric = e.metric();
        t.severity = e.severity();
        t.raisedAt = e.raisedAt();
        t.raisedValue = e.raisedValue();
        t.threshold = e.threshold();
        t.message = e.message();
        return t;
    }

    /** Neither pending nor active: nothing worth keeping. */
    public boolean idle() {
        return !active && pendingSince == NONE;
    }

    public boolean active() {
        return active;
    }

    /** A threshold rule sees {@code value} of its metric at device time {@code t}. */
    public Optional<Transition> observe(Rule rule, String deviceId, double value, long t) {
        if (active) {
            if (rule.stillBreached(value)) {
                return Optional.empty();
            }
            return Optional.of(
                    clear(
                            value,
                            t,
                            rule.metric() + " " + value + " back past " + rule.clearThreshold()));
        }
        if (!rule.breached(value)) {
            pendingSince = NONE;
            return Optional.empty();
        }
        if (pendingSince == NONE || t < pendingSince) {
            pendingSince = t;
        }
        if (t - pendingSince < rule.forMs()) {
            return Optional.empty();
        }
        String held = rule.forMs() > 0 ? " for " + rule.forMs() / 1000 + " s" : "";
        String message =
                rule.metric()
                        + " "
                        + value
                        + " "
                        + rule.op().symbol()
                        + " "
                        + rule.threshold()
                        + held;
        return Optional.of(raise(rule, deviceId, value, t, message));
    }

    /**
     * An absence rule: the device has been silent {@code silentMs} since its newest reading, at
     * device time {@code lastSeen}.
     */
    public Optional<Transition> silence(Rule rule, String deviceId, long lastSeen, long silentMs) {
        if (active || silentMs < rule.afterMs()) {
            return Optional.empty();
        }
        String message = "no reading for " + rule.afterMs() / 1000 + " s";
        return Optional.of(
                raise(rule, deviceId, rule.afterMs() / 1000.0, lastSeen + rule.afterMs(), message));
    }

    /** An absence rule: the device sent a reading at device time {@code t}. */
    public Optional<Transition> heard(long t) {
        if (!active) {
            return Optional.empty();
        }
        return Optional.of(clear(0, Math.max(t, raisedAt), "readings again"));
    }

    /** Clears an open episode whose rule went away or stopped applying; nothing if none. */
    public Optional<Transition> withdraw(long t, String why) {
        pendingSince = NONE;
        if (!active) {
            return Optional.empty();
        }
        return Optional.of(clear(raisedValue, Math.max(t, raisedAt), why));
    }

    private Transition raise(Rule rule, String deviceId, double value, long t, String why) {
        message = why;
        active = true;
        pendingSince = NONE;
        raisedAt = t;
        raisedValue = value;
        metric = rule.metric();
        severity = rule.severity().wire();
        threshold = rule.threshold();
        alertId = rule.id() + "/" + deviceId + "/" + t;
        return new Transition(
                rule.id(), metric, severity, threshold, true, alertId, value, t, 0, why);
    }

    private Transition clear(double value, long t, String why) {
        active = false;
        pendingSince = NONE;
        return new Transition(
                ruleId(), metric, severity, threshold, false, alertId, value, raisedAt, t, why);
    }

    /** The rule of the open (or last) episode: the first part of its id. */
    public String ruleId() {
        int slash = alertId.indexOf('/');
        return slash < 0 ? alertId : alertId.substring(0, slash);
    }

    /** The message of the open episode's raise. */
    public String message() {
        return message;
    }

    public long pendingSince() {
        return pendingSince;
    }

    public String alertId() {
        return alertId;
    }

    public String metric() {
        return metric;
    }

    public String severity() {
        return severity;
    }

    public long raisedAt() {
        return raisedAt;
    }

    public double raisedValue() {
        return raisedValue;
    }

    public double threshold() {
        return threshold;
    }
}

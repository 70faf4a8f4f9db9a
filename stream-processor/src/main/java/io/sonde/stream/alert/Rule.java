package io.sonde.stream.alert;

import io.sonde.platform.security.ChannelPatterns;
import io.sonde.proto.v1.AlertRule;
import java.util.Locale;

/**
 * One alert rule, validated (docs/processing.md). A threshold rule raises when {@code metric op
 * threshold} has held for {@code forMs} of device time, and stays active while {@code metric op
 * clearThreshold} holds (hysteresis; without one the clear threshold is the threshold). An absence
 * rule raises when a device has sent nothing for {@code afterMs}.
 *
 * @param id unique name, also the key in the rules topic
 * @param kind threshold or absence
 * @param metric the metric a threshold rule watches; empty for absence rules
 * @param op the comparison of a threshold rule
 * @param threshold raise beyond this
 * @param clearThreshold stay active beyond this
 * @param forMs how long the condition must hold on event time before raising
 * @param afterMs silence after which an absence rule raises
 * @param severity {@code info} ... {@code critical}
 * @param devices device id pattern; {@code *} matches any run of characters
 */
public record Rule(
        String id,
        Kind kind,
        String metric,
        Op op,
        double threshold,
        double clearThreshold,
        long forMs,
        long afterMs,
        Severity severity,
        String devices) {

    /** The two kinds of rule. */
    public enum Kind {
        THRESHOLD,
        ABSENCE;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Whether the rule watches {@code deviceId}. */
    public boolean appliesTo(String deviceId) {
        return ChannelPatterns.matches(devices, deviceId);
    }

    /** The raise condition. */
    public boolean breached(double value) {
        return op.test(value, threshold);
    }

    /** While active, the condition that keeps the alert active. */
    public boolean stillBreached(double value) {
        return op.test(value, clearThreshold);
    }

    /** The rule as stored in the rules topic. */
    public AlertRule toProto() {
        AlertRule.Builder b =
                AlertRule.newBuilder()
                        .setId(id)
                        .setKind(kind.wire())
                        .setSeverity(severity.wire())
                        .setDevices(devices);
        if (kind == Kind.THRESHOLD) {
            b.setMetric(metric)
                    .setOp(op.symbol())
                    .setThreshold(threshold)
                    .setForSeconds((int) (forMs / 1000));
            if (clearThreshold != threshold) {
                b.setClearThreshold(clearThreshold);
            }
        } else {
            b.setAfterSeconds((int) (afterMs / 1000));
        }
        return b.build();
    }

    /**
     * The rule a record of the rules topic holds.
     *
     * @throws IllegalArgumentException when the record is not a valid rule (written by hand)
     */
    public static Rule fromProto(AlertRule r) {
        Severity severity =
                Severity.parse(r.getSeverity())
                        .orElseThrow(() ->
                                new IllegalArgumentException("bad severity " + r.getSeverity()));
        String devices = r.getDevices().isEmpty() ? "*" : r.getDevices();
        if ("absence".equals(r.getKind())) {
            return new Rule(
                    r.getId(),
                    Kind.ABSENCE,
                    "",
                    Op.GT,
                    r.getAfterSeconds(),
                    r.getAfterSeconds(),
                    0,
                    r.getAfterSeconds() * 1000L,
                    severity,
                    devices);
        }
        Op op = Op.parse(r.getOp()).orElseThrow(() -> new IllegalArgumentException("bad op"));
        double clear = r.hasClearThreshold() ? r.getClearThreshold() : r.getThreshold();
        return new Rule(
                r.getId(),
                Kind.THRESHOLD,
                r.getMetric(),
                op,
                r.getThreshold(),
                clear,
                r.getForSeconds() * 1000L,
                0,
                severity,
                devices);
    }
}

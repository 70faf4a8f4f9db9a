package io.sonde.stream.alert;

/**
 * One alert event: an episode raised or cleared. Raise and clear of an episode carry the same
 * {@code alertId}.
 *
 * @param ruleId the rule
 * @param metric the metric it watches; empty for absence rules
 * @param severity the rule's severity when the episode was raised
 * @param threshold the rule's threshold (seconds of silence for absence rules)
 * @param raised true for the raise, false for the clear
 * @param alertId stable id of the episode
 * @param value the value that raised or cleared it (seconds of silence for absence rules)
 * @param raisedAtMs device time of the raise
 * @param clearedAtMs device time of the clear; 0 for a raise
 * @param message for a person
 */
public record Transition(
        String ruleId,
        String metric,
        String severity,
        double threshold,
        boolean raised,
        String alertId,
        double value,
        long raisedAtMs,
        long clearedAtMs,
        String message) {}

package io.sonde.stream.alert;

/**
 * Why a rule is refused: the field at fault and what is wrong with it, for the 400 answer {@code
 * {"code":"bad_rule","message","field"}}.
 *
 * @param field the JSON field, e.g. {@code threshold}
 * @param message for a person
 */
public record RuleProblem(String field, String message) {}

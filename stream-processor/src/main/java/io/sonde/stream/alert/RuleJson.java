package io.sonde.stream.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Alert rules in JSON (docs/processing.md), checked field by field so that a refusal names the
 * field: {@code
 * {"id","metric","op","threshold","clearThreshold","forSeconds","severity","devices"}} or {@code
 * {"id","kind":"absence","afterSeconds","severity","devices"}}. Stateless and thread-safe.
 */
public final class RuleJson {
    /** Longest {@code forSeconds} and {@code afterSeconds}: one day. */
    public static final long MAX_SECONDS = 86_400;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
    private static final Pattern METRIC = ID;
    private static final int MAX_PATTERN = 256;
    private static final Set<String> FIELDS =
            Set.of(
                    "id",
                    "kind",
                    "metric",
                    "op",
                    "threshold",
                    "clearThreshold",
                    "forSeconds",
                    "afterSeconds",
                    "severity",
                    "devices");

    private RuleJson() {}

    /** The result of parsing: a rule, or the problem with it. */
    public record Parsed(Optional<Rule> rule, Optional<RuleProblem> problem) {
        static Parsed ok(Rule r) {
            return new Parsed(Optional.of(r), Optional.empty());
        }

        static Parsed bad(String field, String message) {
            return new Parsed(Optional.empty(), Optional.of(new RuleProblem(field, message)));
        }
    }

    /**
     * Parses the body of {@code PUT /v1/rules/{id}}; {@code id} is the path's, and a body {@code
     * id} must agree with it.
     */
    public static Parsed parse(String id, String json) {
        JsonNode node;
        try {
            node = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            return Parsed.bad("", "the body is not JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            return Parsed.bad("", "the body must be a JSON object");
        }
        return parse(id, node);
    }

    /** Validates one rule object (from a body or from configuration). */
    public static Parsed parse(String id, JsonNode node) {
        if (!ID.matcher(id).matches()) {
            return Parsed.bad("id", "must match [A-Za-z0-9_.:-]{1,64}");
        }
        if (node.has("id") && !node.get("id").asText().equals(id)) {
            return Parsed.bad("id", "differs from the id in the path");
        }
        for (var names = node.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!FIELDS.contains(field)) {
                return Parsed.bad(field, "unknown field");
            }
        }
        String kind = text(node, "kind").orElse("threshold");
        Optional<Severity> severity = text(node, "severity").flatMap(Severity::parse);
        if (severity.isEmpty()) {
            return Parsed.bad("severity", "must be one of info, warning, minor, major, critical");
        }
        String devices = text(node, "devices").orElse("*");
        if (devices.isEmpty() || devices.length() > MAX_PATTERN) {
            return Parsed.bad("devices", "must be a device id pattern of 1 to 256 characters");
        }
        return switch (kind) {
            case "threshold" -> threshold(id, node, severity.get(), devices);
            case "absence" -> absence(id, node, severity.get(), devices);
            default -> Parsed.bad("kind", "must be threshold or absence");
        };
    }

    private static Parsed threshold(String id, JsonNode node, Severity severity, String devices) {
        Optional<String> metric = text(node, "metric");
        if (metric.isEmpty() || !METRIC.matcher(metric.get()).matches()) {
            return Parsed.bad("metric", "must be a metric name [A-Za-z0-9_.:-]{1,64}");
        }
        Optional<Op> op = text(node, "op").flatMap(Op::parse);
        if (op.isEmpty()) {
            return Parsed.bad("op", "must be one of >, >=, <, <=");
        }
        Optional<Double> threshold = number(node, "threshold");
        if (threshold.isEmpty()) {
            return Parsed.bad("threshold", "must be a finite number");
        }
        double clear = threshold.get();
        if (node.has("clearThreshold") && !node.get("clearThreshold").isNull()) {
            Optional<Double> c = number(node, "clearThreshold");
            if (c.isEmpty()) {
                return Parsed.bad("clearThreshold", "must be a finite number");
            }
            boolean sideOk = op.get().upward() ? c.get() <= clear : c.get() >= clear;
            if (!sideOk) {
                return Parsed.bad(
                        "clearThreshold",
                        "must be on the clear side of the threshold ("
                                + (op.get().upward() ? "<=" : ">=")
                                + " threshold)");
            }
            clear = c.get();
        }
        Optional<Long> forSeconds = seconds(node, "forSeconds", 0);
        if (forSeconds.isEmpty()) {
            return Parsed.bad("forSeconds", "must be a whole number from 0 to " + MAX_SECONDS);
        }
        return Parsed.ok(
                new Rule(
                        id,
                        Rule.Kind.THRESHOLD,
                        metric.get(),
                        op.get(),
                        threshold.get(),
                        clear,
                        forSeconds.get() * 1000,
                        0,
                        severity,
                        devices));
    }

    private static Parsed absence(String id, JsonNode node, Severity severity, String devices) {
        for (String field :
                new String[] {"metric", "op", "threshold", "clearThreshold", "forSeconds"}) {
            if (node.has(field)) {
                return Parsed.bad(field, "not a field of absence rules");
            }
        }
        Optional<Long> after = seconds(node, "afterSeconds", -1);
        if (after.isEmpty() || after.get() < 1) {
            return Parsed.bad("afterSeconds", "must be a whole number from 1 to " + MAX_SECONDS);
        }
        return Parsed.ok(
                new Rule(
                        id,
                        Rule.Kind.ABSENCE,
                        "",
                        Op.GT,
                        after.get(),
                        after.get(),
                        0,
                        after.get() * 1000,
                        severity,
                        devices));
    }

    /** A rule as the API shows it. */
    public static ObjectNode toJson(Rule rule) {
        ObjectNode node =
                MAPPER.createObjectNode().put("id", rule.id()).put("kind", rule.kind().wire());
        if (rule.kind() == Rule.Kind.THRESHOLD) {
            node.put("metric", rule.metric())
                    .put("op", rule.op().symbol())
                    .put("threshold", rule.threshold())
                    .put("clearThreshold", rule.clearThreshold())
                    .put("forSeconds", rule.forMs() / 1000);
        } else {
            node.put("afterSeconds", rule.afterMs() / 1000);
        }
        return node.put("severity", rule.severity().wire()).put("devices", rule.devices());
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isTextual() ? Optional.of(v.asText()) : Optional.empty();
    }

    private static Optional<Double> number(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isNumber() || !Double.isFinite(v.asDouble())) {
            return Optional.empty();
        }
        return Optional.of(v.asDouble());
    }

    // Absent takes `fallback`; present must be an integer in 0..MAX_SECONDS.
    private static Optional<Long> seconds(JsonNode node, String field, long fallback) {
        JsonNode v = node.get(field);
        if (v == null) {
            return fallback < 0 ? Optional.empty() : Optional.of(fallback);
        }
        if (!v.canConvertToLong()
                || !v.isIntegralNumber()
                || v.asLong() < 0
                || v.asLong() > MAX_SECONDS) {
            return Optional.empty();
        }
        return Optional.of(v.asLong());
    }
}

package io.sonde.stream.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.config.Config;
import io.helidon.config.ConfigException;
import io.sonde.stream.alert.Rule;
import io.sonde.stream.alert.RuleJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Alert rules written in configuration ({@code sonde.stream.rules}), validated like the API's, so
 * that a bad rule stops the start with its field named instead of misbehaving later:
 *
 * <pre>
 * rules:
 *   - {id: temp-high, metric: temperature, op: ">", threshold: 80, clearThreshold: 75,
 *      forSeconds: 30, severity: critical}
 *   - {id: silent, kind: absence, afterSeconds: 60, severity: major}
 * </pre>
 */
final class ConfigRules {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> NUMBERS =
            Set.of("threshold", "clearThreshold", "forSeconds", "afterSeconds");

    private ConfigRules() {}

    static List<Rule> read(Config rules) {
        if (!rules.exists()) {
            return List.of();
        }
        List<Rule> out = new ArrayList<>();
        for (Config node : rules.asNodeList().orElse(List.of())) {
            String id = node.get("id").asString().orElse("");
            ObjectNode json = JSON.createObjectNode();
            for (Config field : node.asNodeList().orElse(List.of())) {
                String name = field.name();
                String value = field.asString().orElse("");
                if (NUMBERS.contains(name)) {
                    json.set(name, JSON.valueToTree(number(node, name, value)));
                } else {
                    json.put(name, value);
                }
            }
            RuleJson.Parsed parsed = RuleJson.parse(id, json);
            if (parsed.problem().isPresent()) {
                throw new ConfigException(
                        node.key()
                                + " (rule "
                                + id
                                + "): "
                                + parsed.problem().get().field()
                                + ": "
                                + parsed.problem().get().message());
            }
            out.add(parsed.rule().orElseThrow());
        }
        return out;
    }

    private static Number number(Config node, String field, String text) {
        try {
            // Not a ternary: it would promote the long to a double and lose "whole number".
            if (text.contains(".") || text.contains("e") || text.contains("E")) {
                return Double.valueOf(text);
            }
            return Long.valueOf(text);
        } catch (NumberFormatException e) {
            throw new ConfigException(node.key() + "." + field + ": not a number: " + text, e);
        }
    }
}

package io.sonde.platform.health;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The outcome of a set of checks at one instant: up when every check is up.
 *
 * @param checks each check's result, in registration order
 */
public record HealthReport(List<Result> checks) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One check's result.
     *
     * @param name the check's name
     * @param problem empty when up; else the reason it is down
     */
    public record Result(String name, Optional<String> problem) {
        public boolean up() {
            return problem.isEmpty();
        }
    }

    public HealthReport {
        checks = List.copyOf(checks);
    }

    public boolean up() {
        return checks.stream().allMatch(Result::up);
    }

    /** The checks that are down, as {@code name: reason; ...}; empty when up. */
    public String problems() {
        return checks.stream()
                .filter(c -> !c.up())
                .map(c -> c.name() + ": " + c.problem().orElseThrow())
                .collect(Collectors.joining("; "));
    }

    /**
     * {@code {"status":"UP"|"DOWN","checks":{"kafka":{"status":"DOWN","reason":"..."}}}}, the body
     * of {@code /observe/health*} (docs/operations.md).
     */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode().put("status", up() ? "UP" : "DOWN");
        ObjectNode each = root.putObject("checks");
        for (Result check : checks) {
            ObjectNode node =
                    each.putObject(check.name()).put("status", check.up() ? "UP" : "DOWN");
            check.problem().ifPresent(reason -> node.put("reason", reason));
        }
        return root.toString();
    }
}

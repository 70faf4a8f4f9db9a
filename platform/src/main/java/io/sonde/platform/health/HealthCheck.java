package io.sonde.platform.health;

import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * One named condition of a service, e.g. {@code kafka} or {@code streams}: up, or down with a
 * reason a person can act on.
 *
 * <p>Threads: evaluated on every health request, on Helidon's request threads, and by the start-up
 * wait. The supplier must be cheap, must not block and must be thread-safe: checks that need I/O
 * (asking Kafka) run on their own schedule and publish their last result.
 *
 * @param name short name shown in the health response
 * @param problem empty while the condition holds; else why it does not
 */
public record HealthCheck(String name, Supplier<Optional<String>> problem) {
    /** A check that is up while {@code up} is true and otherwise reports {@code whenDown}. */
    public static HealthCheck of(String name, BooleanSupplier up, String whenDown) {
        return new HealthCheck(
                name, () -> up.getAsBoolean() ? Optional.empty() : Optional.of(whenDown));
    }

    /** Evaluates the check now. */
    public HealthReport.Result evaluate() {
        Optional<String> found;
        try {
            found = problem.get();
        } catch (RuntimeException e) {
            // A check that throws is a broken condition, not a broken health endpoint.
            found = Optional.of("check failed: " + e);
        }
        return new HealthReport.Result(name, found);
    }
}

package io.sonde.platform.observability;

import java.util.function.BooleanSupplier;

/**
 * One named readiness condition of a service, e.g. "kafka" or "streams". Evaluated on every health
 * request, from Helidon's request threads: the supplier must be cheap and thread-safe.
 *
 * @param name short name shown in the health response
 * @param up true while the condition holds
 */
public record HealthCheck(String name, BooleanSupplier up) {}

package io.sonde.platform.health;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The readiness and liveness checks of one service. Readiness: the service can do its job now (a
 * load balancer sends it traffic, the demo prints its banner). Liveness: the process is not wedged
 * (an orchestrator restarts it otherwise); a service with no liveness checks is live while it
 * answers HTTP at all.
 *
 * <p>Thread-safe: checks may be added while requests evaluate them.
 */
public final class Health {
    private final List<HealthCheck> readiness = new CopyOnWriteArrayList<>();
    private final List<HealthCheck> liveness = new CopyOnWriteArrayList<>();

    public void addReadiness(HealthCheck check) {
        readiness.add(check);
    }

    public void addLiveness(HealthCheck check) {
        liveness.add(check);
    }

    /** Every readiness check, evaluated now. */
    public HealthReport readiness() {
        return new HealthReport(readiness.stream().map(HealthCheck::evaluate).toList());
    }

    /** Every liveness check, evaluated now. */
    public HealthReport liveness() {
        return new HealthReport(liveness.stream().map(HealthCheck::evaluate).toList());
    }
}

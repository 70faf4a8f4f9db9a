package io.sonde.platform.observability;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.sonde.platform.health.Health;
import io.sonde.platform.health.HealthReport;

/**
 * The same endpoints on every service (docs/operations.md): {@code GET /observe/health} and {@code
 * /observe/health/ready} (readiness: 200 when every readiness check is up, else 503 naming what is
 * down), {@code /observe/health/live} (liveness) and {@code /observe/metrics} (Prometheus text).
 */
public final class ObserveService implements HttpService {
    /** Where the service is registered. */
    public static final String PATH = "/observe";

    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final Observability observability;
    private final Health health;

    public ObserveService(Observability observability, Health health) {
        this.observability = observability;
        this.health = health;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/health", (req, res) -> send(res, health.readiness()))
                .get("/health/ready", (req, res) -> send(res, health.readiness()))
                .get("/health/live", (req, res) -> send(res, health.liveness()))
                .get("/metrics", this::metrics);
    }

    private static void send(ServerResponse res, HealthReport report) {
        res.status(report.up() ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503)
                .header(HeaderNames.CONTENT_TYPE, "application/json")
                .header(HeaderNames.CACHE_CONTROL, "no-store")
                .send(report.toJson());
    }

    private void metrics(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, PROMETHEUS_TEXT).send(observability.scrape());
    }
}

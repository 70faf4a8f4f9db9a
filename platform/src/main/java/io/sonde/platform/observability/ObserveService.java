package io.sonde.platform.observability;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code GET /observe/health} (200 when every check is up, else 503) and {@code GET
 * /observe/metrics} (Prometheus text), the same on every service (SPEC §1).
 */
public final class ObserveService implements HttpService {
    /** Where the service is registered. */
    public static final String PATH = "/observe";

    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final Observability observability;
    private final List<HealthCheck> checks;

    public ObserveService(Observability observability, List<HealthCheck> checks) {
        this.observability = observability;
        this.checks = List.copyOf(checks);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/health", this::health).get("/metrics", this::metrics);
    }

    private void health(ServerRequest req, ServerResponse res) {
        boolean allUp = checks.stream().allMatch(c -> c.up().getAsBoolean());
        String body =
                checks.stream()
                        .map(c ->
                                "\""
                                        + c.name()
                                        + "\":\""
                                        + (c.up().getAsBoolean() ? "UP" : "DOWN")
                                        + "\"")
                        .collect(
                                Collectors.joining(
                                        ",",
                                        "{\"status\":\""
                                                + (allUp ? "UP" : "DOWN")
                                                + "\",\"checks\":{",
                                        "}}"));
        res.status(allUp ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503)
                .header(HeaderNames.CONTENT_TYPE, "application/json")
                .send(body);
    }

    private void metrics(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, PROMETHEUS_TEXT).send(observability.scrape());
    }
}

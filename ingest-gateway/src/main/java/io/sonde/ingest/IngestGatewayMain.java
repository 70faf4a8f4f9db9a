package io.sonde.ingest;

import io.helidon.config.Config;
import io.helidon.webserver.http.HttpRouting;
import io.sonde.platform.config.ServiceConfig;
import io.sonde.platform.observability.HealthCheck;
import io.sonde.platform.observability.LogSetup;
import io.sonde.platform.observability.Observability;
import io.sonde.platform.observability.ObserveService;
import java.util.List;
import java.util.Map;

/** {@code sonde ingest-gateway [--config FILE]}: runs the gateway against an external Kafka. */
public final class IngestGatewayMain {
    /** Name of the service: its metrics tag and its classpath defaults folder. */
    public static final String SERVICE = "ingest-gateway";

    private IngestGatewayMain() {}

    public static void main(String[] args) {
        LogSetup.configure();
        Config config = ServiceConfig.load(SERVICE, ServiceConfig.configFile(args), Map.of());
        IngestGateway gateway = IngestGateway.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(gateway::close, "sonde-ingest-shutdown"));
    }

    static void routing(
            HttpRouting.Builder routing,
            IngestContext context,
            Observability observability,
            List<HealthCheck> checks) {
        routing.register(ObserveService.PATH, new ObserveService(observability, checks))
                .register("/v1", new TelemetryHttpService(context));
    }
}

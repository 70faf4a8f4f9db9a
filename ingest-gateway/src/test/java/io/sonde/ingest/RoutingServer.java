package io.sonde.ingest;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.websocket.WsRouting;
import io.sonde.ingest.config.IngestConfig;
import io.sonde.ingest.kafka.TelemetryWriter;
import io.sonde.ingest.protocol.BatchIntake;
import io.sonde.ingest.protocol.IngestMetrics;
import io.sonde.ingest.transport.ConnectionRegistry;
import io.sonde.ingest.transport.IngestContext;
import io.sonde.platform.health.Health;
import io.sonde.platform.observability.Observability;
import io.sonde.platform.observability.ObserveService;
import io.sonde.platform.security.TokenVerifier;

/**
 * The gateway's whole route table ({@link IngestGatewayMain#routing}) on a real server on a free
 * loopback port, with a writer the test provides instead of Kafka.
 */
final class RoutingServer implements AutoCloseable {
    private final Observability observability;
    private final ConnectionRegistry connections;
    private final WebServer server;

    RoutingServer(IngestConfig config, TokenVerifier verifier, TelemetryWriter writer) {
        this.observability = Observability.create("ingest-test");
        this.connections = new ConnectionRegistry(config);
        connections.registerMeters(observability.meters());
        IngestContext context =
                new IngestContext(
                        config,
                        verifier,
                        new BatchIntake(config, writer, new IngestMetrics(observability.meters())),
                        connections);
        HttpRouting.Builder http = HttpRouting.builder();
        WsRouting.Builder ws = WsRouting.builder();
        IngestGatewayMain.routing(
                http, ws, context, new ObserveService(observability, new Health()));
        this.server =
                WebServer.builder()
                        .host("127.0.0.1")
                        .port(0)
                        .addProtocol(IngestGatewayMain.websocket(config))
                        .routing(http)
                        .addRouting(ws)
                        .build()
                        .start();
    }

    int port() {
        return server.port();
    }

    ConnectionRegistry connections() {
        return connections;
    }

    @Override
    public void close() {
        server.stop();
        connections.close();
        observability.close();
    }
}

package io.sonde.ingest;

import io.helidon.config.Config;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.websocket.WsConfig;
import io.helidon.webserver.websocket.WsRouting;
import io.sonde.platform.kafka.KafkaSettings;
import io.sonde.platform.kafka.TopicProvisioner;
import io.sonde.platform.observability.HealthCheck;
import io.sonde.platform.observability.Observability;
import io.sonde.platform.security.AuthConfig;
import io.sonde.platform.security.TokenVerifier;
import java.util.List;
import java.util.logging.Logger;

/**
 * A running ingest gateway: the device WebSocket, the HTTP fallback and the one producer. {@link
 * #close()} stops taking batches, sends the acks it owes, closes devices with 1001, then flushes
 * and closes the producer.
 */
public final class IngestGateway implements AutoCloseable {
    /** Close code telling devices the gateway is going away. */
    public static final int GOING_AWAY = 1001;

    private static final Logger LOG = Logger.getLogger(IngestGateway.class.getName());

    private final WebServer server;
    private final IngestContext context;
    private final TelemetryPublisher publisher;
    private final Observability observability;

    private IngestGateway(
            WebServer server,
            IngestContext context,
            TelemetryPublisher publisher,
            Observability observability) {
        this.server = server;
        this.context = context;
        this.publisher = publisher;
        this.observability = observability;
    }

    /**
     * Starts the gateway from a config root ({@code server}, {@code sonde.kafka}, {@code
     * sonde.auth}, {@code sonde.ingest}).
     *
     * @throws IllegalStateException when the port cannot be bound
     */
    public static IngestGateway start(Config root) {
        IngestConfig config = IngestConfig.create(root.get("sonde.ingest"));
        KafkaSettings kafka = KafkaSettings.create(root.get("sonde.kafka"));
        TokenVerifier verifier = TokenVerifier.create(AuthConfig.create(root.get("sonde.auth")));
        TopicProvisioner.ensure(kafka, kafka.topics().all());
        Observability observability = Observability.create("ingest-gateway");
        TelemetryPublisher publisher =
                new TelemetryPublisher(kafka, observability.tracer(), observability.meters());
        ConnectionRegistry[] registry = new ConnectionRegistry[1];
        IngestMetrics metrics = new IngestMetrics(observability.meters(), () -> registry[0].size());
        BatchIntake intake = new BatchIntake(config, publisher, metrics);
        registry[0] = new ConnectionRegistry(config, intake::evictIdleBuckets);
        IngestContext context = new IngestContext(config, verifier, intake, registry[0]);
        List<HealthCheck> checks =
                List.of(new HealthCheck("accepting", () -> !intake.isShuttingDown()));
        WebServer server =
                WebServer.builder()
                        .config(root.get("server"))
                        .addProtocol(
                                WsConfig.builder()
                                        .name("websocket")
                                        .maxFrameLength(config.maxMessageBytes())
                                        .build())
                        .routing(r -> IngestGatewayMain.routing(r, context, observability, checks))
                        .addRouting(
                                WsRouting.builder()
                                        .endpoint("/v1/ingest", () -> new IngestEndpoint(context)))
                        .build()
                        .start();
        if (!server.isRunning()) {
            publisher.close();
            registry[0].close();
            throw new IllegalStateException(
                    "ingest gateway could not listen on port "
                            + root.get("server.port").asInt().orElse(-1));
        }
        LOG.info(() ->
                "ingest gateway on port " + server.port() + ", Kafka " + kafka.bootstrapServers());
        return new IngestGateway(server, context, publisher, observability);
    }

    public int port() {
        return server.port();
    }

    /** Live device WebSocket connections. */
    public int connections() {
        return context.connections().size();
    }

    @Override
    public void close() {
        context.intake().shutDown();
        try {
            context.connections().awaitOwedReplies(context.config().shutdownGrace());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        context.connections().closeAll(GOING_AWAY, "gateway shutting down");
        server.stop();
        context.connections().close();
        publisher.close();
        observability.close();
    }
}

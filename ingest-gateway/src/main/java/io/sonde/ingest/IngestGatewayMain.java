package io.sonde.ingest;

import io.helidon.config.Config;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.websocket.WsConfig;
import io.helidon.webserver.websocket.WsRouting;
import io.sonde.ingest.config.IngestConfig;
import io.sonde.ingest.kafka.TelemetryPublisher;
import io.sonde.ingest.protocol.BatchIntake;
import io.sonde.ingest.protocol.IngestMetrics;
import io.sonde.ingest.transport.ConnectionRegistry;
import io.sonde.ingest.transport.IngestContext;
import io.sonde.ingest.transport.IngestEndpoint;
import io.sonde.ingest.transport.TelemetryHttpService;
import io.sonde.platform.kafka.KafkaConfig;
import io.sonde.platform.observability.Observability;
import io.sonde.platform.observability.ObserveService;
import io.sonde.platform.security.AuthConfig;
import io.sonde.platform.security.TokenVerifier;
import io.sonde.platform.service.Service;
import io.sonde.platform.service.ServiceBuilder;
import io.sonde.platform.service.ServiceRunner;
import java.time.Duration;
import java.util.List;

/**
 * The ingest gateway (docs/device-protocol.md): the device WebSocket {@code /v1/ingest}, the HTTP
 * fallback {@code POST /v1/telemetry} and the one producer behind both.
 *
 * <p>Readiness: {@code kafka} (the telemetry topic's partitions all have a leader). On close the
 * gateway stops taking batches, pushes out what the producer holds, sends the acks it owes (up to
 * {@code sonde.ingest.shutdown-grace}), closes every device with 1001, then stops the server and
 * the producer.
 */
public final class IngestGatewayMain {
    /** Name of the service: its metrics tag and its classpath defaults folder. */
    public static final String SERVICE = "ingest-gateway";

    /** The device WebSocket. */
    public static final String INGEST_PATH = "/v1/ingest";

    /** Close code telling devices the gateway is going away. */
    static final int GOING_AWAY = 1001;

    private IngestGatewayMain() {}

    /** {@code sonde ingest-gateway [--config FILE]}: runs the gateway in this process. */
    public static void main(String[] args) {
        ServiceRunner.main(SERVICE, args, IngestGatewayMain::start);
    }

    /** Starts the gateway from a command line; returns once it is ready, 1 if it failed. */
    public static int run(String[] args) {
        return ServiceRunner.run(SERVICE, args, IngestGatewayMain::start);
    }

    /**
     * Starts the gateway from a config root ({@code server}, {@code sonde.kafka}, {@code
     * sonde.auth}, {@code sonde.ingest}); returns once it listens.
     *
     * @throws io.sonde.platform.service.ServiceStartException naming what failed
     */
    public static Service start(Config root) {
        IngestConfig config = IngestConfig.create(root.get("sonde.ingest"));
        KafkaConfig kafka = KafkaConfig.create(root.get("sonde.kafka"));
        AuthConfig auth = AuthConfig.create(root.get("sonde.auth"));
        return ServiceBuilder.start(
                SERVICE,
                service -> {
                    TokenVerifier verifier = TokenVerifier.create(auth);
                    service.requireKafka(kafka, List.of(kafka.topics().telemetry().name()));
                    Observability observability = service.observability();
                    TelemetryPublisher publisher =
                            service.start(
                                    "producer",
                                    () ->
                                            new TelemetryPublisher(
                                                    kafka,
                                                    config,
                                                    observability.tracer(),
                                                    observability.meters()));
                    ConnectionRegistry connections =
                            service.start(
                                    "device connections", () -> new ConnectionRegistry(config));
                    connections.registerMeters(observability.meters());
                    IngestMetrics metrics = new IngestMetrics(observability.meters());
                    IngestContext context =
                            new IngestContext(
                                    config,
                                    verifier,
                                    new BatchIntake(config, publisher, metrics),
                                    connections);
                    ObserveService observe = new ObserveService(observability, service.health());
                    HttpRouting.Builder http = HttpRouting.builder();
                    WsRouting.Builder ws = WsRouting.builder();
                    routing(http, ws, context, observe);
                    service.serve(
                            root.get("server"),
                            server ->
                                    server.addProtocol(websocket(config))
                                            .routing(http)
                                            .addRouting(ws));
                    // Runs first on close: the server must still carry the owed acks.
                    service.onStop(
                            "draining devices",
                            config.shutdownGrace().plus(Duration.ofSeconds(5)),
                            () -> drain(context));
                });
    }

    /**
     * Every route of the gateway, WebSocket included; the routing tests build a server from it
     * without Kafka.
     */
    static void routing(
            HttpRouting.Builder http,
            WsRouting.Builder ws,
            IngestContext context,
            ObserveService observe) {
        http.register(ObserveService.PATH, observe)
                .register("/v1", new TelemetryHttpService(context));
        ws.endpoint(INGEST_PATH, () -> new IngestEndpoint(context));
    }

    /**
     * The WebSocket protocol settings. Helidon checks a browser's {@code Origin} at the upgrade
     * (403 when not allowed): the configured origins, or else only the gateway's own host, so a
     * page elsewhere cannot use a device token it got hold of; devices send no {@code Origin}. The
     * endpoint enforces the message size (1009, then it reads on until the device's close frame, so
     * that the device learns the code); the server's own frame limit is twice that, and a frame
     * beyond it ends the connection at once, since it would have to be read whole.
     */
    static WsConfig websocket(IngestConfig config) {
        return WsConfig.builder()
                .name("websocket")
                .maxFrameLength((int) Math.min(Integer.MAX_VALUE, 2L * config.maxMessageBytes()))
                .origins(java.util.Set.copyOf(config.allowedOrigins()))
                .build();
    }

    /** Stops taking batches, sends the acks owed, then closes every device with 1001. */
    static void drain(IngestContext context) throws InterruptedException {
        context.intake().shutDown();
        // A batch admitted just before the stop may still be on its way into the producer, so
        // the producer is flushed on every round, not once: no owed ack waits for the linger.
        context.connections()
                .awaitOwedReplies(context.config().shutdownGrace(), context.intake()::flush);
        context.connections().closeAll(GOING_AWAY, "gateway shutting down");
    }
}

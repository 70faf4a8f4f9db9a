package io.sonde.push;

import io.helidon.config.Config;
import io.helidon.webserver.WebServer;
import io.sonde.platform.kafka.KafkaSettings;
import io.sonde.platform.kafka.TopicProvisioner;
import io.sonde.platform.observability.HealthCheck;
import io.sonde.platform.observability.Observability;
import io.sonde.platform.observability.ObserveService;
import io.sonde.platform.security.AuthConfig;
import io.sonde.platform.security.TokenVerifier;
import io.sonde.push.hub.Hub;
import io.sonde.push.kafka.FanOut;
import io.sonde.push.session.SessionRegistry;
import io.sonde.push.transport.DevicesHttpService;
import io.sonde.push.transport.EventsHttpService;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * The push gateway (SPEC §6): one fan-out consumer per topic feeds an in-memory hub; each client
 * connection is a session with a bounded queue; the dashboard, SSE and REST are served over HTTP.
 *
 * <p>Health: {@code kafka} (every consumer polling) and {@code device-state} (the device cache has
 * read the compacted topic up to where it ended at start, so snapshots are complete).
 */
public final class PushGateway implements AutoCloseable {
    /** Service name: classpath defaults at {@code push-gateway/application.yaml}, metric tag. */
    public static final String SERVICE = "push-gateway";

    private static final Logger LOG = Logger.getLogger(PushGateway.class.getName());

    private final List<AutoCloseable> resources;
    private final SessionRegistry sessions;
    private final WebServer server;

    private PushGateway(List<AutoCloseable> resources, SessionRegistry sessions, WebServer server) {
        this.resources = resources;
        this.sessions = sessions;
        this.server = server;
    }

    /**
     * Starts the gateway; returns once it serves requests. Topics are created if missing.
     *
     * @param root a {@code ServiceConfig.load("push-gateway", ...)} root
     * @throws PushGatewayException when the port cannot be bound
     */
    public static PushGateway start(Config root) {
        PushConfig config = PushConfig.create(root.get("sonde.push"));
        KafkaSettings kafka = KafkaSettings.create(root.get("sonde.kafka"));
        TokenVerifier verifier = TokenVerifier.create(AuthConfig.create(root.get("sonde.auth")));
        // Closed in reverse order on failure or close().
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            Observability observability = Observability.create(SERVICE);
            resources.add(observability);
            TopicProvisioner.ensure(kafka, kafka.topics().all());
            Hub hub = new Hub();
            FanOut fanOut = FanOut.start(kafka, hub, observability.meters());
            resources.add(fanOut);
            SessionRegistry sessions =
                    new SessionRegistry(hub, config.sessionQueueSize(), observability.meters());
            EventsHttpService events = new EventsHttpService(verifier, hub, sessions, sse(config));
            resources.add(events);
            ObserveService observe =
                    new ObserveService(
                            observability,
                            List.of(
                                    new HealthCheck("kafka", fanOut::healthy),
                                    new HealthCheck("device-state", fanOut::deviceStateLoaded)));
            DevicesHttpService devices = new DevicesHttpService(verifier, hub);
            WebServer server =
                    WebServer.builder()
                            .config(root.get("server"))
                            .routing(r -> PushGatewayMain.routing(r, observe, events, devices))
                            .build()
                            .start();
            if (!server.isRunning()) {
                throw new PushGatewayException(
                        "push gateway could not listen on port "
                                + root.get("server.port").asInt().orElse(-1)
                                + " (in use?)");
            }
            LOG.info(() -> "push gateway listening on port " + server.port());
            return new PushGateway(resources, sessions, server);
        } catch (RuntimeException e) {
            closeAll(resources);
            throw e;
        }
    }

    /** The bound HTTP port. */
    public int port() {
        return server.port();
    }

    /** Sessions open now (SSE streams), as the {@code sonde.push.sessions} gauge shows. */
    public int sessionCount() {
        return sessions.count();
    }

    /**
     * Ends every stream with a {@code shutdown} error event, stops the server, then the consumers.
     */
    @Override
    public void close() {
        sessions.shutdown();
        server.stop();
        closeAll(resources);
    }

    private static EventsHttpService.Settings sse(PushConfig config) {
        return new EventsHttpService.Settings(
                config.heartbeat(), config.sseRetry(), config.writeTimeout(), config.maxChannels());
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (AutoCloseable resource : resources.reversed()) {
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warning(() -> "error while stopping " + resource + ": " + e);
            }
        }
    }
}

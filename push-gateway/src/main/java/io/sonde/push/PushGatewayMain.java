package io.sonde.push;

import io.helidon.config.Config;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.staticcontent.ClasspathHandlerConfig;
import io.helidon.webserver.staticcontent.StaticContentFeature;
import io.sonde.platform.health.HealthCheck;
import io.sonde.platform.kafka.KafkaConfig;
import io.sonde.platform.kafka.Topics;
import io.sonde.platform.observability.ObserveService;
import io.sonde.platform.security.AuthConfig;
import io.sonde.platform.security.TokenVerifier;
import io.sonde.platform.service.Service;
import io.sonde.platform.service.ServiceBuilder;
import io.sonde.platform.service.ServiceRunner;
import io.sonde.push.hub.Hub;
import io.sonde.push.kafka.FanOut;
import io.sonde.push.session.SessionRegistry;
import io.sonde.push.transport.DevicesHttpService;
import io.sonde.push.transport.EventsHttpService;
import io.sonde.push.transport.SseConfig;
import java.util.List;

/**
 * The push gateway (docs/streams.md): one fan-out consumer per topic feeds an in-memory hub; each
 * client connection is a session with a bounded queue; the dashboard, SSE and REST are served over
 * HTTP.
 *
 * <p>Readiness: {@code kafka} (its topics answer), {@code fan-out} (every consumer assigned and
 * polling without errors) and {@code device-state} (the device cache has read the compacted topic
 * up to where it ended at start, so snapshots are complete). On close every stream ends with a
 * {@code shutdown} error event, then the server and the consumers stop.
 */
public final class PushGatewayMain {
    /** Service name: classpath defaults at {@code push-gateway/application.yaml}, metric tag. */
    public static final String SERVICE = "push-gateway";

    /** Classpath folder of the dashboard (module {@code sonde-dashboard}). */
    static final String DASHBOARD_LOCATION = "sonde-dashboard";

    /** Where uPlot is served from, and where it lies in its webjar. */
    static final String UPLOT_PATH = "/vendor/uplot";

    static final String UPLOT_LOCATION = "META-INF/resources/webjars/uplot/1.6.30/dist";

    private PushGatewayMain() {}

    /** {@code sonde push-gateway [--config FILE]}: runs the gateway in this process. */
    public static void main(String[] args) {
        ServiceRunner.main(SERVICE, args, PushGatewayMain::start);
    }

    /** Starts the gateway from a command line; returns once it is ready, 1 if it failed. */
    public static int run(String[] args) {
        return ServiceRunner.run(SERVICE, args, PushGatewayMain::start);
    }

    /**
     * Starts the gateway; returns once it serves requests. Topics are created if missing.
     *
     * @param root configuration root with {@code server} and {@code sonde} nodes
     * @throws io.sonde.platform.service.ServiceStartException naming what failed
     */
    public static Service start(Config root) {
        PushConfig config = PushConfig.create(root.get("sonde.push"));
        KafkaConfig kafka = KafkaConfig.create(root.get("sonde.kafka"));
        AuthConfig auth = AuthConfig.create(root.get("sonde.auth"));
        return ServiceBuilder.start(
                SERVICE,
                service -> {
                    TokenVerifier verifier = TokenVerifier.create(auth);
                    Topics topics = kafka.topics();
                    service.requireKafka(
                            kafka,
                            List.of(
                                    topics.telemetry().name(),
                                    topics.aggregates().name(),
                                    topics.deviceState().name()));
                    Hub hub = new Hub();
                    FanOut fanOut =
                            service.start(
                                    "fan-out consumers",
                                    () ->
                                            FanOut.start(
                                                    kafka, hub, service.observability().meters()));
                    service.readiness(
                            HealthCheck.of(
                                    "fan-out",
                                    fanOut::healthy,
                                    "a fan-out consumer is not polling (see the log)"));
                    service.readiness(
                            HealthCheck.of(
                                    "device-state",
                                    fanOut::deviceStateLoaded,
                                    "still reading the device states held in Kafka"));
                    SessionRegistry sessions =
                            new SessionRegistry(
                                    hub,
                                    config.sessionQueueSize(),
                                    service.observability().meters());
                    EventsHttpService events =
                            service.start(
                                    "sse streams",
                                    () ->
                                            new EventsHttpService(
                                                    verifier, hub, sessions, sse(config)));
                    DevicesHttpService devices = new DevicesHttpService(verifier, hub);
                    ObserveService observe =
                            new ObserveService(service.observability(), service.health());
                    service.serve(
                            root.get("server"),
                            server -> server.routing(r -> routing(r, observe, events, devices)));
                    // Runs first on close: streams end with a reason while the server still runs.
                    service.onStop(
                            "ending sessions",
                            ServiceBuilder.DEFAULT_STOP_TIMEOUT,
                            sessions::shutdown);
                });
    }

    /**
     * Every route of the gateway: the API first, then the dashboard, whose static handler passes on
     * what it does not hold (ending in a 404).
     */
    static void routing(
            HttpRouting.Builder routing,
            ObserveService observe,
            EventsHttpService events,
            DevicesHttpService devices) {
        routing.register(ObserveService.PATH, observe)
                .register(EventsHttpService.PATH, events)
                .register(DevicesHttpService.PATH, devices)
                .register(UPLOT_PATH, StaticContentFeature.createService(classpath(UPLOT_LOCATION)))
                .register("/", StaticContentFeature.createService(dashboard()));
    }

    static SseConfig sse(PushConfig config) {
        return new SseConfig(
                config.heartbeat(), config.sseRetry(), config.writeTimeout(), config.maxChannels());
    }

    private static ClasspathHandlerConfig dashboard() {
        return ClasspathHandlerConfig.builder()
                .location(DASHBOARD_LOCATION)
                .welcome("index.html")
                .build();
    }

    private static ClasspathHandlerConfig classpath(String location) {
        return ClasspathHandlerConfig.builder().location(location).build();
    }
}

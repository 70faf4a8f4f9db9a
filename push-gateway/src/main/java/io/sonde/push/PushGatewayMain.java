package io.sonde.push;

import io.helidon.config.Config;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.staticcontent.ClasspathHandlerConfig;
import io.helidon.webserver.staticcontent.StaticContentFeature;
import io.micrometer.core.instrument.MeterRegistry;
import io.sonde.platform.health.HealthCheck;
import io.sonde.platform.kafka.KafkaConfig;
import io.sonde.platform.kafka.Topics;
import io.sonde.platform.observability.ObserveService;
import io.sonde.platform.observability.RecordSpans;
import io.sonde.platform.security.AuthConfig;
import io.sonde.platform.security.TokenVerifier;
import io.sonde.platform.service.Service;
import io.sonde.platform.service.ServiceBuilder;
import io.sonde.platform.service.ServiceRunner;
import io.sonde.push.hub.Hub;
import io.sonde.push.kafka.FanOut;
import io.sonde.push.kafka.KafkaPartitioner;
import io.sonde.push.rest.ApiFallback;
import io.sonde.push.rest.DevicesHttpService;
import io.sonde.push.rest.ProcessorClient;
import io.sonde.push.rest.ProcessorHttpService;
import io.sonde.push.session.SessionRegistry;
import io.sonde.push.session.SubscriptionMeters;
import io.sonde.push.session.Subscriptions;
import io.sonde.push.transport.EventsHttpService;
import io.sonde.push.transport.PollHttpService;
import io.sonde.push.transport.StreamSettings;
import io.sonde.push.transport.Transports;
import java.time.Clock;
import java.util.List;

/**
 * The push gateway (docs/streams.md): one fan-out consumer per log feeds an in-memory hub; each
 * client connection is a session with a bounded queue, served over SSE, WebSocket or long-poll;
 * resumes replay history through catch-up readers; the dashboard and the REST API are served over
 * HTTP.
 *
 * <p>Readiness: {@code kafka} (its topics answer), {@code fan-out} (every consumer assigned and
 * polling without errors) and {@code snapshots} (every consumer has read up to where its log ended
 * at start, so snapshots are complete). On close every stream ends with a {@code shutdown} reason,
 * then the server and the consumers stop.
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
                                    topics.deviceState().name(),
                                    topics.alerts().name()));
                    MeterRegistry meters = service.observability().meters();
                    Hub hub = new Hub(new KafkaPartitioner());
                    SubscriptionMeters subscriptionMeters = new SubscriptionMeters(meters);
                    FanOut fanOut =
                            service.start(
                                    "fan-out consumers",
                                    () ->
                                            FanOut.start(
                                                    kafka,
                                                    hub,
                                                    config.snapshotLookback(),
                                                    config.catchUp(),
                                                    subscriptionMeters,
                                                    meters,
                                                    RecordSpans.of(service.observability())));
                    service.readiness(
                            HealthCheck.of(
                                    "fan-out",
                                    fanOut::healthy,
                                    "a fan-out consumer is not polling (see the log)"));
                    service.readiness(
                            HealthCheck.of(
                                    "snapshots",
                                    fanOut::caughtUp,
                                    "still reading what Kafka holds to rebuild the snapshots"));
                    Subscriptions subscriptions =
                            new Subscriptions(hub, fanOut.history(), subscriptionMeters);
                    SessionRegistry sessions =
                            new SessionRegistry(
                                    subscriptions,
                                    config.sessionQueueSize(),
                                    config.maxStreamsPerToken(),
                                    meters);
                    Transports transports =
                            service.start(
                                    "stream transports",
                                    () ->
                                            Transports.create(
                                                    verifier,
                                                    subscriptions,
                                                    sessions,
                                                    subscriptionMeters,
                                                    settings(config),
                                                    Clock.systemUTC()));
                    Api api =
                            new Api(
                                    new DevicesHttpService(verifier, hub),
                                    new ProcessorHttpService(
                                            new ProcessorClient(config.processorUrl())));
                    ObserveService observe =
                            new ObserveService(service.observability(), service.health());
                    service.serve(
                            root.get("server"),
                            server -> {
                                HttpRouting.Builder http = HttpRouting.builder();
                                routing(http, observe, transports, api);
                                transports.serve(server.routing(http));
                            });
                    // Runs first on close: streams end with a reason while the server still runs.
                    service.onStop(
                            "ending sessions",
                            ServiceBuilder.DEFAULT_STOP_TIMEOUT,
                            sessions::shutdown);
                });
    }

    /** The request/response API: device states from the gateway, the rest from the processor. */
    record Api(DevicesHttpService devices, ProcessorHttpService processor) {}

    /**
     * Every HTTP route of the gateway (the WebSocket is added by {@link Transports#serve}): the
     * streams and the API first, then a JSON 404/405 for any other {@code /v1} request, then the
     * dashboard, whose static handler passes on what it does not hold (ending in a 404).
     */
    static void routing(
            HttpRouting.Builder http, ObserveService observe, Transports transports, Api api) {
        http.register(ObserveService.PATH, observe)
                .register(EventsHttpService.PATH, transports.events())
                .register(PollHttpService.PATH, transports.poll())
                .register(DevicesHttpService.PATH, api.devices())
                .register(ProcessorHttpService.PATH, api.processor())
                .register(ApiFallback.PATH, new ApiFallback())
                .register(UPLOT_PATH, StaticContentFeature.createService(classpath(UPLOT_LOCATION)))
                .register("/", StaticContentFeature.createService(dashboard()));
    }

    static StreamSettings settings(PushConfig config) {
        return new StreamSettings(
                config.heartbeat(),
                config.sseRetry(),
                config.writeTimeout(),
                config.maxChannels(),
                config.pollMaxEvents(),
                config.pollMaxWait());
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

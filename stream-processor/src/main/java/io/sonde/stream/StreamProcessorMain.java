package io.sonde.stream;

import io.helidon.config.Config;
import io.helidon.webserver.http.HttpRouting;
import io.sonde.platform.health.HealthCheck;
import io.sonde.platform.http.ViewerAuth;
import io.sonde.platform.kafka.KafkaConfig;
import io.sonde.platform.kafka.Topic;
import io.sonde.platform.observability.ObserveService;
import io.sonde.platform.observability.RecordSpans;
import io.sonde.platform.security.AuthConfig;
import io.sonde.platform.security.TokenVerifier;
import io.sonde.platform.service.Service;
import io.sonde.platform.service.ServiceBuilder;
import io.sonde.platform.service.ServiceRunner;
import io.sonde.stream.config.StreamConfig;
import io.sonde.stream.config.StreamsProperties;
import io.sonde.stream.processor.TelemetryTopology;
import io.sonde.stream.query.QueryHttpService;
import io.sonde.stream.query.RuleSeeder;
import io.sonde.stream.query.RuleWriter;
import io.sonde.stream.query.RulesHttpService;
import io.sonde.stream.query.StateAccess;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The stream processor (docs/processing.md): the Kafka Streams topology of {@link
 * TelemetryTopology}, the state queries and rules API (docs/rest.md) and the {@code /observe}
 * routes.
 *
 * <p>Readiness: {@code kafka} (its topics answer) and {@code streams} (the client is RUNNING: not
 * while it rebalances or restores state). Liveness fails once Streams has stopped for good (ERROR):
 * a restart is the only way on. The HTTP server starts before Streams, whose group metadata must
 * carry the server's address; on close Streams commits what it processed and leaves its group
 * first, so another instance takes over at once, then the server stops.
 */
public final class StreamProcessorMain {
    /** Names the classpath defaults {@code stream-processor/application.yaml} and the metrics. */
    public static final String SERVICE = "stream-processor";

    private static final System.Logger LOG = System.getLogger(StreamProcessorMain.class.getName());

    private StreamProcessorMain() {}

    /** {@code sonde stream-processor [--config FILE]}: runs the processor in this process. */
    public static void main(String[] args) {
        ServiceRunner.main(SERVICE, args, StreamProcessorMain::start);
    }

    /** Starts the processor from a command line; returns once it is ready, 1 if it failed. */
    public static int run(String[] args) {
        return ServiceRunner.run(SERVICE, args, StreamProcessorMain::start);
    }

    /**
     * Creates missing topics, writes configured rules, starts the HTTP server and Streams.
     * Processing begins once the group has formed, which readiness shows.
     *
     * @param root configuration root with {@code server} and {@code sonde} nodes
     * @throws io.sonde.platform.service.ServiceStartException naming what failed
     */
    public static Service start(Config root) {
        StreamConfig config = StreamConfig.create(root.get("sonde.stream"));
        KafkaConfig kafka = KafkaConfig.create(root.get("sonde.kafka"));
        AuthConfig auth = AuthConfig.create(root.get("sonde.auth"));
        return ServiceBuilder.start(
                SERVICE,
                service -> {
                    ViewerAuth viewers = new ViewerAuth(TokenVerifier.create(auth));
                    service.requireKafka(
                            kafka, kafka.topics().all().stream().map(Topic::name).toList());
                    RuleWriter rules = service.start("rules producer", () -> new RuleWriter(kafka));
                    service.run(
                            "writing configured rules",
                            () -> RuleSeeder.seed(kafka, config.rules(), rules));
                    StateAccess access = new StateAccess();
                    ObserveService observe =
                            new ObserveService(service.observability(), service.health());
                    QueryHttpService queries =
                            new QueryHttpService(viewers, access, config.windows());
                    RulesHttpService rulesApi =
                            new RulesHttpService(viewers, access, rules, config.maxRules());
                    service.serve(
                            root.get("server"),
                            server -> server.routing(r -> routing(r, observe, queries, rulesApi)));
                    HostInfo self = new HostInfo(advertisedHost(config, root), service.port());
                    KafkaStreams streams =
                            service.start(
                                    "kafka streams",
                                    config.closeTimeout().plusSeconds(2),
                                    () ->
                                            streams(
                                                    config,
                                                    kafka,
                                                    self,
                                                    RecordSpans.of(service.observability())),
                                    s -> closeStreams(s, config.closeTimeout()));
                    access.attach(streams, self);
                    service.start(
                            "streams metrics",
                            () ->
                                    StreamsMeters.bind(
                                            streams,
                                            config.windows(),
                                            service.observability().meters()));
                    health(service, streams);
                    service.run("starting kafka streams", streams::start);
                });
    }

    /** The HTTP routes of the stream processor; tests reuse this seam. */
    static void routing(
            HttpRouting.Builder routing,
            ObserveService observe,
            QueryHttpService queries,
            RulesHttpService rules) {
        routing.register(ObserveService.PATH, observe)
                .register("/v1/rules", rules)
                .register("/v1", queries);
    }

    private static void health(ServiceBuilder service, KafkaStreams streams) {
        service.readiness(
                new HealthCheck(
                        "streams",
                        () ->
                                streams.state() == KafkaStreams.State.RUNNING
                                        ? Optional.empty()
                                        : Optional.of("state " + streams.state())));
        service.liveness(
                HealthCheck.of(
                        "streams",
                        () -> streams.state() != KafkaStreams.State.ERROR,
                        "Kafka Streams stopped after a failure (see the log)"));
    }

    // How the other instances reach this one: configured, else the listen address, else (when
    // listening on every address) this host's name.
    private static String advertisedHost(StreamConfig config, Config root) {
        if (config.advertisedHost().isPresent()) {
            return config.advertisedHost().get();
        }
        String host = root.get("server.host").asString().orElse("0.0.0.0");
        if (!host.equals("0.0.0.0") && !host.equals("::")) {
            return host;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    private static KafkaStreams streams(
            StreamConfig config, KafkaConfig kafka, HostInfo self, RecordSpans spans) {
        KafkaStreams streams =
                new KafkaStreams(
                        TelemetryTopology.build(config, kafka.topics(), spans),
                        StreamsProperties.forRuntime(
                                config, kafka, self.host() + ":" + self.port()));
        streams.setUncaughtExceptionHandler(StreamProcessorMain::onStreamsFailure);
        streams.setStateListener(
                (now, before) -> LOG.log(Level.INFO, "streams {0} -> {1}", before, now));
        return streams;
    }

    /** Commits and leaves the group, so that another instance takes over without a timeout. */
    private static void closeStreams(KafkaStreams streams, Duration timeout) {
        if (!streams.close(
                CloseOptions.groupMembershipOperation(
                                CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                        .withTimeout(timeout))) {
            LOG.log(Level.WARNING, "Kafka Streams did not stop within {0}", timeout);
        }
    }

    private static StreamThreadExceptionResponse onStreamsFailure(Throwable error) {
        // Replacing the thread would retry the same record forever; stopping makes the failure
        // visible as a failed liveness check instead.
        LOG.log(Level.ERROR, "stream thread failed; stopping Kafka Streams", error);
        return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }
}

package io.sonde.stream;

import io.helidon.config.Config;
import io.helidon.webserver.http.HttpRouting;
import io.sonde.platform.health.HealthCheck;
import io.sonde.platform.kafka.KafkaConfig;
import io.sonde.platform.kafka.Topic;
import io.sonde.platform.observability.ObserveService;
import io.sonde.platform.service.Service;
import io.sonde.platform.service.ServiceBuilder;
import io.sonde.platform.service.ServiceRunner;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;

/**
 * The stream processor (docs/processing.md): the Kafka Streams topology of {@link
 * TelemetryTopology} and an HTTP server with the {@code /observe} routes.
 *
 * <p>Readiness: {@code kafka} (its topics answer) and {@code streams} (the client is RUNNING: not
 * while it rebalances or restores state). Liveness fails once Streams has stopped for good (ERROR):
 * a restart is the only way on. On close the server stops first, then Streams commits what it
 * processed and leaves the group, so another instance takes over at once.
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
     * Creates missing topics, starts Streams and the HTTP server. Processing begins once the group
     * has formed, which readiness shows.
     *
     * @param root configuration root with {@code server} and {@code sonde} nodes
     * @throws io.sonde.platform.service.ServiceStartException naming what failed
     */
    public static Service start(Config root) {
        StreamConfig config = StreamConfig.create(root.get("sonde.stream"));
        KafkaConfig kafka = KafkaConfig.create(root.get("sonde.kafka"));
        return ServiceBuilder.start(
                SERVICE,
                service -> {
                    service.requireKafka(
                            kafka, kafka.topics().all().stream().map(Topic::name).toList());
                    KafkaStreams streams =
                            service.start(
                                    "kafka streams",
                                    config.closeTimeout().plusSeconds(2),
                                    () -> streams(config, kafka),
                                    s -> closeStreams(s, config.closeTimeout()));
                    service.start(
                            "streams metrics",
                            () -> StreamsMeters.bind(streams, service.observability().meters()));
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
                    ObserveService observe =
                            new ObserveService(service.observability(), service.health());
                    service.serve(
                            root.get("server"), server -> server.routing(r -> routing(r, observe)));
                    service.run("starting kafka streams", streams::start);
                });
    }

    /** The HTTP routes of the stream processor; tests reuse this seam. */
    static void routing(HttpRouting.Builder routing, ObserveService observe) {
        routing.register(ObserveService.PATH, observe);
    }

    private static KafkaStreams streams(StreamConfig config, KafkaConfig kafka) {
        KafkaStreams streams =
                new KafkaStreams(
                        TelemetryTopology.build(config, kafka.topics()),
                        StreamsProperties.forRuntime(config, kafka));
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

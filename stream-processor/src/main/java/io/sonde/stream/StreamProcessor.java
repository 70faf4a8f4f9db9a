package io.sonde.stream;

import io.helidon.config.Config;
import io.helidon.webserver.WebServer;
import io.sonde.platform.kafka.KafkaSettings;
import io.sonde.platform.kafka.TopicProvisioner;
import io.sonde.platform.observability.HealthCheck;
import io.sonde.platform.observability.Observability;
import io.sonde.platform.observability.ObserveService;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;

/**
 * The running stream processor: the Kafka Streams topology of {@link TelemetryTopology} and an HTTP
 * server with {@code /observe/health} (UP only while Streams is RUNNING, so also DOWN while it
 * rebalances or restores state) and {@code /observe/metrics}.
 *
 * <p>{@link #start} returns once the server listens and Streams has been started; processing begins
 * after the group has formed, which the health check shows. Thread-safe; {@link #close} is
 * idempotent.
 */
public final class StreamProcessor implements AutoCloseable {
    /** Names the classpath defaults {@code stream-processor/application.yaml} and the metrics. */
    public static final String SERVICE = "stream-processor";

    private static final Logger LOG = Logger.getLogger(StreamProcessor.class.getName());

    private final Observability observability;
    private final KafkaStreams streams;
    private final StreamsMeters meters;
    private final WebServer server;
    private final Duration closeTimeout;
    private final AtomicBoolean closed = new AtomicBoolean();

    private StreamProcessor(
            Observability observability,
            KafkaStreams streams,
            StreamsMeters meters,
            WebServer server,
            Duration closeTimeout) {
        this.observability = observability;
        this.streams = streams;
        this.meters = meters;
        this.server = server;
        this.closeTimeout = closeTimeout;
    }

    /**
     * Creates missing topics, starts Streams and the HTTP server.
     *
     * @param root configuration root with {@code server} and {@code sonde} nodes
     * @throws StreamProcessorException when the HTTP server cannot listen
     * @throws org.apache.kafka.common.KafkaException when Kafka cannot be reached
     */
    public static StreamProcessor start(Config root) {
        StreamSettings settings = StreamSettings.create(root.get("sonde.stream"));
        KafkaSettings kafka = KafkaSettings.create(root.get("sonde.kafka"));
        TopicProvisioner.ensure(kafka, kafka.topics().all());
        Observability observability = Observability.create(SERVICE);
        KafkaStreams streams = null;
        StreamsMeters meters = null;
        WebServer server = null;
        try {
            streams =
                    new KafkaStreams(
                            TelemetryTopology.build(settings, kafka.topics()),
                            StreamsProperties.forRuntime(settings, kafka));
            streams.setUncaughtExceptionHandler(StreamProcessor::onStreamsFailure);
            streams.setStateListener(
                    (now, before) -> LOG.info(() -> "streams " + before + " -> " + now));
            meters = StreamsMeters.bind(streams, observability.meters());
            server = startServer(root, observability, streams);
            streams.start();
        } catch (RuntimeException e) {
            new StreamProcessor(observability, streams, meters, server, settings.closeTimeout())
                    .close();
            throw e;
        }
        LOG.info(
                "stream processor listening on port "
                        + server.port()
                        + ", application id "
                        + settings.applicationId());
        return new StreamProcessor(observability, streams, meters, server, settings.closeTimeout());
    }

    /** The HTTP port, useful when configured as 0. */
    public int port() {
        return server.port();
    }

    /** Current state of the Streams client, e.g. RUNNING. */
    public KafkaStreams.State state() {
        return streams.state();
    }

    /**
     * Stops the server, then Streams (committing what was processed and leaving the group so that a
     * restart or another instance takes over without waiting for a session timeout), waiting at
     * most {@code sonde.stream.close-timeout} for Streams.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        // Members are null only when start() failed half-way.
        if (server != null) {
            server.stop();
        }
        if (streams != null && !closeStreams()) {
            LOG.warning("Kafka Streams did not stop within " + closeTimeout);
        }
        if (meters != null) {
            meters.close();
        }
        observability.close();
    }

    private boolean closeStreams() {
        return streams.close(
                CloseOptions.groupMembershipOperation(
                                CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                        .withTimeout(closeTimeout));
    }

    private static WebServer startServer(
            Config root, Observability observability, KafkaStreams streams) {
        ObserveService observe =
                new ObserveService(
                        observability,
                        List.of(
                                new HealthCheck(
                                        "streams",
                                        () -> streams.state() == KafkaStreams.State.RUNNING)));
        WebServer server =
                WebServer.builder()
                        .config(root.get("server"))
                        .routing(routing -> StreamProcessorMain.routing(routing, observe))
                        .build()
                        .start();
        if (!server.isRunning()) {
            throw new StreamProcessorException(
                    "HTTP server did not start; is port "
                            + root.get("server.port").asInt().orElse(-1)
                            + " already in use?");
        }
        return server;
    }

    private static StreamThreadExceptionResponse onStreamsFailure(Throwable error) {
        // Replacing the thread would retry the same record forever; stopping makes the failure
        // visible as a DOWN health check instead.
        LOG.log(Level.SEVERE, "stream thread failed; stopping Kafka Streams", error);
        return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }
}

package io.sonde.platform.service;

import io.helidon.config.Config;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.accesslog.AccessLogFeature;
import io.sonde.platform.health.Health;
import io.sonde.platform.health.HealthCheck;
import io.sonde.platform.kafka.KafkaConfig;
import io.sonde.platform.kafka.KafkaReadiness;
import io.sonde.platform.kafka.TopicProvisioner;
import io.sonde.platform.observability.Observability;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Assembles a {@link Service} part by part, the one way every Sonde service starts (see {@link
 * #start}). Each part starts when it is added, in the order the assembly adds it, and registers how
 * it stops; the HTTP server is started by {@link #serve}. If any step fails, every part already
 * started is stopped again, newest first, and a {@link ServiceStartException} names the service and
 * the step: a failed start leaves no thread, socket or Kafka client behind.
 *
 * <p>Not thread-safe: used by the one thread that starts the service.
 */
public final class ServiceBuilder {
    /** How long a part's stop step may take unless the part says otherwise. */
    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);

    /** What a service adds, in order; runs once, on the starting thread. */
    @FunctionalInterface
    public interface Assembly {
        void assemble(ServiceBuilder service) throws Exception;
    }

    /** Starts one part. */
    @FunctionalInterface
    public interface Starter<T> {
        T start() throws Exception;
    }

    /** Stops one part. */
    @FunctionalInterface
    public interface Stopper<T> {
        void stop(T part) throws Exception;
    }

    /** A start step with nothing to undo (creating missing topics), or an extra stop step. */
    @FunctionalInterface
    public interface Step {
        void run() throws Exception;
    }

    private final String name;
    private final Health health = new Health();
    private final StopSequence stops;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final Observability observability;
    private volatile boolean started;
    private Optional<WebServer> server = Optional.empty();

    private ServiceBuilder(String name) {
        this.name = name;
        this.stops = new StopSequence(name);
        this.observability = Observability.create(name);
        stops.push("observability", DEFAULT_STOP_TIMEOUT, observability::close);
        health.addReadiness(
                new HealthCheck(
                        "lifecycle",
                        () -> {
                            if (closing.get()) {
                                return Optional.of("stopping");
                            }
                            return started ? Optional.empty() : Optional.of("starting");
                        }));
    }

    /**
     * Starts the service named {@code name}: metrics and tracing first, then whatever {@code
     * assembly} adds, which must include {@link #serve}.
     *
     * @throws ServiceStartException naming the step that failed; nothing is left running
     */
    public static Service start(String name, Assembly assembly) {
        ServiceBuilder builder = new ServiceBuilder(name);
        try {
            assembly.assemble(builder);
            return builder.finish();
        } catch (ServiceStartException e) {
            builder.abort();
            throw e;
        } catch (Exception e) {
            builder.abort();
            throw new ServiceStartException(name + ": " + e.getMessage(), e);
        }
    }

    public String name() {
        return name;
    }

    /** The service's meters and tracer. */
    public Observability observability() {
        return observability;
    }

    /** The service's checks, for its {@code /observe} routes. */
    public Health health() {
        return health;
    }

    /** Starts a part; on close, {@code stopper} gets up to {@code stopTimeout}. */
    public <T> T start(String part, Duration stopTimeout, Starter<T> starter, Stopper<T> stopper) {
        T value;
        try {
            value = starter.start();
        } catch (Exception e) {
            throw new ServiceStartException(name + ": starting " + part + " failed: " + e, e);
        }
        stops.push(part, stopTimeout, () -> stopper.stop(value));
        return value;
    }

    /** Starts a part that stops by closing it, within {@link #DEFAULT_STOP_TIMEOUT}. */
    public <T extends AutoCloseable> T start(String part, Starter<T> starter) {
        return start(part, DEFAULT_STOP_TIMEOUT, starter, AutoCloseable::close);
    }

    /** Runs a start step that leaves nothing to stop. */
    public void run(String step, Step action) {
        try {
            action.run();
        } catch (Exception e) {
            throw new ServiceStartException(name + ": " + step + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Adds a stop step at this point of the order: it runs before every part started so far is
     * stopped, e.g. "send the acks owed" before the server that carries them stops.
     */
    public void onStop(String step, Duration timeout, Step action) {
        stops.push(step, timeout, action::run);
    }

    /**
     * Creates Sonde's topics where they are missing, then starts the {@code kafka} readiness check
     * over the topics this service reads or writes.
     *
     * @param needed full names of those topics
     */
    public void requireKafka(KafkaConfig kafka, List<String> needed) {
        run("creating topics", () -> TopicProvisioner.ensure(kafka, kafka.topics().all()));
        KafkaReadiness check =
                start("kafka readiness", () -> KafkaReadiness.start(kafka, name, needed));
        readiness(check.check());
    }

    public void readiness(HealthCheck check) {
        health.addReadiness(check);
    }

    public void liveness(HealthCheck check) {
        health.addLiveness(check);
    }

    /**
     * Starts the HTTP server from the {@code server} config node with the routes {@code routes}
     * adds. Helidon's own JVM shutdown hook is turned off: the service's close, called once by
     * whoever owns the process, orders the stop.
     *
     * @throws ServiceStartException when the server does not listen (the port is taken)
     */
    public void serve(Config serverConfig, Consumer<WebServerConfig.Builder> routes) {
        WebServerConfig.Builder builder =
                WebServer.builder()
                        .config(serverConfig)
                        .shutdownHook(false)
                        // Host, time, "METHOD path protocol", status, size, time taken: the path
                        // without its query (no access_token), no header (no Authorization).
                        .addFeature(AccessLogFeature.builder().defaultLogFormat().build());
        routes.accept(builder);
        WebServer web = builder.build();
        web.start();
        if (!web.isRunning()) {
            web.stop();
            throw new ServiceStartException(
                    name
                            + ": cannot listen on "
                            + builder.host()
                            + ":"
                            + builder.port()
                            + " (is the port in use?)");
        }
        stops.push("http server", DEFAULT_STOP_TIMEOUT, web::stop);
        server = Optional.of(web);
    }

    /**
     * The port the server listens on, once {@link #serve} ran (the chosen one when configured as
     * 0): for a part that must advertise it.
     */
    public int port() {
        return server.orElseThrow(() -> new IllegalStateException("serve() has not run")).port();
    }

    private Service finish() {
        WebServer web =
                server.orElseThrow(() ->
                        new ServiceStartException(name + ": the assembly never called serve()"));
        started = true;
        return new Service(name, web, health, stops, closing);
    }

    private void abort() {
        closing.set(true);
        stops.run();
    }
}

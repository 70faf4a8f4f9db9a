package io.sonde.stack;

import io.helidon.config.Config;
import io.sonde.devtools.DevKeys;
import io.sonde.devtools.TokenIssuer;
import io.sonde.ingest.IngestGatewayMain;
import io.sonde.kafka.embedded.EmbeddedKafka;
import io.sonde.platform.config.ServiceConfig;
import io.sonde.platform.kafka.KafkaConfig;
import io.sonde.platform.kafka.TopicProvisioner;
import io.sonde.platform.service.Service;
import io.sonde.push.PushGatewayMain;
import io.sonde.simulator.Simulator;
import io.sonde.simulator.SimulatorConfig;
import io.sonde.stream.StreamProcessorMain;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The platform on one machine, in this JVM: a Kafka broker (embedded, or an existing cluster), the
 * dev keys, and whichever services the caller starts, each the same code that runs alone at scale.
 * {@code sonde demo} starts everything; a benchmark starts only what it measures, so that an idle
 * service does not share the cores with the one under test.
 *
 * <p>Services get their settings as explicit flags (broker, prefix, port, keys), which win over any
 * environment variable: an exported {@code KAFKA_BOOTSTRAP_SERVERS} cannot move the stack onto
 * another cluster. {@link #close()} stops everything in reverse order of start. Not thread-safe.
 */
public final class LocalStack implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LocalStack.class.getName());
    private static final Duration DEVICE_TOKEN_TTL = Duration.ofHours(12);

    private final StackConfig config;
    private final DevKeys keys;
    // The broker and the services this stack started: a handful.
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final List<Service> services = new ArrayList<>();
    private String bootstrapServers;
    private Optional<Service> ingest = Optional.empty();
    private Optional<Service> stream = Optional.empty();
    private Optional<Service> push = Optional.empty();

    private LocalStack(StackConfig config) {
        this.config = config;
        this.keys = DevKeys.loadOrCreate(config.dataDir().resolve("keys"));
    }

    /**
     * Starts the broker (unless the config names an existing cluster) and creates Sonde's topics;
     * no service yet. On failure stops what had started and throws.
     */
    public static LocalStack start(StackConfig config) {
        LocalStack stack = new LocalStack(config);
        try {
            if (config.existingCluster().isPresent()) {
                stack.bootstrapServers = config.existingCluster().get();
            } else {
                EmbeddedKafka kafka =
                        EmbeddedKafka.start(
                                config.dataDir().resolve("kafka"),
                                Ports.preferred(config.kafkaPort()));
                stack.started.push(kafka);
                stack.bootstrapServers = kafka.bootstrapServers();
            }
            TopicProvisioner.ensure(stack.kafka(), stack.kafka().topics().all());
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    /** The stream processor, ingest gateway and push gateway, in that order. */
    public LocalStack startServices() {
        startStreamProcessor();
        startIngestGateway();
        startPushGateway();
        return this;
    }

    public Service startIngestGateway() {
        Service s = IngestGatewayMain.start(config(IngestGatewayMain.SERVICE, config.ingestPort()));
        ingest = Optional.of(track(s));
        return s;
    }

    public Service startPushGateway() {
        return startPushGateway(Ports.preferred(config.pushPort()));
    }

    /**
     * Stops the push gateway and starts a new one on the same port, as an operator's restart would:
     * clients of the old one reconnect to the same address. For tests of resuming.
     */
    public Service restartPushGateway() {
        return startPushGateway(stopPushGateway());
    }

    /**
     * Stops the push gateway; returns the port it listened on, for {@link #startPushGateway(int)}.
     */
    public int stopPushGateway() {
        Service old = push();
        int port = old.port();
        old.close();
        started.remove(old);
        services.remove(old);
        push = Optional.empty();
        return port;
    }

    /** A push gateway on exactly {@code port} (0: any free port). */
    public Service startPushGateway(int port) {
        Map<String, String> extra = new HashMap<>();
        // The REST routes for history, alerts and rules go to this stack's processor.
        stream.ifPresent(p ->
                extra.put("sonde.push.processor-url", "http://" + config.host() + ":" + p.port()));
        extra.put("server.port", Integer.toString(port));
        Service s = PushGatewayMain.start(config(PushGatewayMain.SERVICE, port, extra));
        push = Optional.of(track(s));
        return s;
    }

    /** A stream processor in the stack's own consumer group. */
    public Service startStreamProcessor() {
        return startStreamProcessor(config.topicPrefix() + "stream-processor");
    }

    /** A stream processor with its own application id (so its own group) and state directory. */
    public Service startStreamProcessor(String applicationId) {
        Map<String, String> extra = new HashMap<>(config.streamSettings());
        extra.put("sonde.stream.application-id", applicationId);
        extra.put(
                "sonde.stream.state-dir",
                config.dataDir().resolve("streams").resolve(applicationId).toString());
        Service s =
                StreamProcessorMain.start(
                        config(StreamProcessorMain.SERVICE, config.streamPort(), extra));
        stream = Optional.of(track(s));
        return s;
    }

    /** Simulated devices against the stack's ingest gateway, with tokens from the dev key. */
    public Simulator startSimulator(int devices, double rate) {
        return startSimulator(devices, rate, SimulatorConfig.DEFAULT_DEVICE_PREFIX);
    }

    /** As {@link #startSimulator(int, double)}, with device ids {@code prefix1..prefixN}. */
    public Simulator startSimulator(int devices, double rate, String prefix) {
        SimulatorConfig sim =
                SimulatorConfig.builder(
                                ingestUri(), id -> keys.issuer().device(id, DEVICE_TOKEN_TTL))
                        .devices(devices)
                        .rate(rate)
                        .devicePrefix(prefix)
                        .build();
        Simulator simulator = Simulator.start(sim);
        started.push(simulator);
        return simulator;
    }

    /** The services started so far, in start order. */
    public List<Service> services() {
        return List.copyOf(services);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Kafka settings as the services get them. */
    public KafkaConfig kafka() {
        return KafkaConfig.of(
                bootstrapServers,
                config.topicPrefix(),
                config.partitions(),
                config.replicationFactor());
    }

    public StackConfig config() {
        return config;
    }

    /** Signs device and viewer tokens the services accept. */
    public TokenIssuer issuer() {
        return keys.issuer();
    }

    public Service ingest() {
        return ingest.orElseThrow(() -> new IllegalStateException("no ingest gateway started"));
    }

    public Service stream() {
        return stream.orElseThrow(() -> new IllegalStateException("no stream processor started"));
    }

    public Service push() {
        return push.orElseThrow(() -> new IllegalStateException("no push gateway started"));
    }

    public URI ingestUri() {
        return URI.create("ws://localhost:" + ingest().port() + IngestGatewayMain.INGEST_PATH);
    }

    /** The dashboard with an admin viewer token for every channel, valid {@code ttl}. */
    public URI dashboardUri(Duration ttl) {
        String token = issuer().viewer("demo-viewer", List.of("*"), true, ttl);
        return URI.create("http://localhost:" + push().port() + "/?token=" + token);
    }

    @Override
    public void close() {
        while (!started.isEmpty()) {
            AutoCloseable c = started.pop();
            try {
                c.close();
            } catch (Exception e) {
                LOG.log(Level.WARNING, "stopping " + c.getClass().getSimpleName() + " failed", e);
            }
        }
    }

    private Service track(Service service) {
        started.push(service);
        services.add(service);
        return service;
    }

    private Config config(String service, int preferredPort) {
        return config(service, preferredPort, Map.of());
    }

    private Config config(String service, int preferredPort, Map<String, String> extra) {
        Map<String, String> flags = new HashMap<>(extra);
        flags.putIfAbsent("server.port", Integer.toString(Ports.preferred(preferredPort)));
        flags.put("server.host", config.host());
        flags.put("sonde.kafka.bootstrap-servers", bootstrapServers);
        flags.put("sonde.kafka.topic-prefix", config.topicPrefix());
        flags.put("sonde.kafka.partitions", Integer.toString(config.partitions()));
        flags.put("sonde.kafka.replication-factor", Short.toString(config.replicationFactor()));
        flags.put("sonde.auth.jwks", keys.jwksFile().toString());
        return ServiceConfig.of(service).flags(flags).load();
    }
}

package io.sonde.cli;

import io.sonde.ingest.IngestGateway;
import io.sonde.kafka.embedded.EmbeddedKafka;
import io.sonde.platform.config.ServiceConfig;
import io.sonde.platform.security.DevKeys;
import io.sonde.platform.security.TokenIssuer;
import io.sonde.push.PushGateway;
import io.sonde.simulator.Simulator;
import io.sonde.simulator.SimulatorOptions;
import io.sonde.stream.StreamProcessor;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The whole platform in one JVM: a Kafka broker, the three services and the device simulator, each
 * the same code that runs alone at scale. Used by {@code sonde demo} and by the end-to-end and
 * browser tests. {@link #close()} stops them in reverse order of start.
 */
public final class DemoStack implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(DemoStack.class.getName());
    private static final Duration DEVICE_TOKEN_TTL = Duration.ofHours(12);

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final DemoOptions options;
    private final TokenIssuer issuer;
    private String bootstrapServers;
    private IngestGateway ingest;
    private StreamProcessor stream;
    private PushGateway push;

    private DemoStack(DemoOptions options) {
        this.options = options;
        this.issuer = DevKeys.loadOrCreate(options.dataDir().resolve("keys")).issuer();
    }

    /** Starts everything, the broker included; on failure stops what had started and throws. */
    public static DemoStack start(DemoOptions options) {
        DemoStack stack = new DemoStack(options);
        try {
            EmbeddedKafka kafka =
                    EmbeddedKafka.start(
                            options.dataDir().resolve("kafka"),
                            Ports.preferred(options.kafkaPort()));
            stack.started.push(kafka);
            stack.bootstrapServers = kafka.bootstrapServers();
            stack.startServices("sonde.");
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    /** Starts the services and simulator on an existing cluster, with their own topic prefix. */
    public static DemoStack startOn(
            DemoOptions options, String bootstrapServers, String topicPrefix) {
        DemoStack stack = new DemoStack(options);
        stack.bootstrapServers = bootstrapServers;
        try {
            stack.startServices(topicPrefix);
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    private void startServices(String topicPrefix) {
        Map<String, String> common = new HashMap<>();
        common.put("sonde.kafka.bootstrap-servers", bootstrapServers);
        common.put("sonde.kafka.topic-prefix", topicPrefix);
        common.put("sonde.kafka.partitions", Integer.toString(options.partitions()));
        common.put("sonde.kafka.replication-factor", "1");
        common.put(
                "sonde.auth.jwks",
                options.dataDir().resolve("keys").resolve(DevKeys.JWKS_FILE).toString());

        Map<String, String> streamConfig = with(common, options.streamPort());
        streamConfig.put("sonde.stream.state-dir", options.dataDir().resolve("streams").toString());
        streamConfig.put("sonde.stream.application-id", topicPrefix + "stream-processor");
        stream =
                StreamProcessor.start(
                        ServiceConfig.load(
                                StreamProcessor.SERVICE, Optional.empty(), streamConfig));
        started.push(stream);
        ingest =
                IngestGateway.start(
                        ServiceConfig.load(
                                "ingest-gateway",
                                Optional.empty(),
                                with(common, options.ingestPort())));
        started.push(ingest);
        push =
                PushGateway.start(
                        ServiceConfig.load(
                                PushGateway.SERVICE,
                                Optional.empty(),
                                with(common, options.pushPort())));
        started.push(push);
        if (options.devices() > 0) {
            SimulatorOptions sim =
                    SimulatorOptions.builder(ingestUri(), id -> issuer.device(id, DEVICE_TOKEN_TTL))
                            .devices(options.devices())
                            .rate(options.rate())
                            .build();
            started.push(Simulator.start(sim));
        }
    }

    private static Map<String, String> with(Map<String, String> common, int preferredPort) {
        Map<String, String> o = new HashMap<>(common);
        o.put("server.port", Integer.toString(Ports.preferred(preferredPort)));
        return o;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public int ingestPort() {
        return ingest.port();
    }

    public int streamPort() {
        return stream.port();
    }

    public int pushPort() {
        return push.port();
    }

    public TokenIssuer issuer() {
        return issuer;
    }

    public URI ingestUri() {
        return URI.create("ws://localhost:" + ingest.port() + "/v1/ingest");
    }

    /** The dashboard with a viewer token for every channel, valid {@code ttl}. */
    public URI dashboardUri(Duration ttl) {
        String token = issuer.viewer("demo-viewer", List.of("*"), true, ttl);
        return URI.create("http://localhost:" + push.port() + "/?token=" + token);
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
}

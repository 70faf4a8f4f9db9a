package io.sonde.bench.connections;

import io.sonde.bench.BenchOptions;
import io.sonde.bench.BenchReport;
import io.sonde.bench.Scenario;
import io.sonde.devtools.DevKeys;
import io.sonde.devtools.TokenIssuer;
import io.sonde.kafka.embedded.EmbeddedKafka;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntPredicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./sonde bench connections}: N idle device WebSockets on one ingest gateway running in its
 * own JVM. Each round measures the gateway at 0 connections, with N idle, and at 0 again after
 * every client dropped without a close frame; the baseline of a round is the mean of its two empty
 * measurements, so rounds interleave baseline / loaded / baseline.
 */
@Command(
        name = "connections",
        mixinStandardHelpOptions = true,
        description = "Idle device connections on one gateway: heap and RSS per connection, leaks.")
public final class ConnectionsScenario implements Scenario {
    static final List<String> GATEWAY_JVM_FLAGS = List.of("-Xms256m", "-Xmx1g", "-XX:+UseG1GC");
    private static final System.Logger LOG = System.getLogger(ConnectionsScenario.class.getName());
    private static final int QUICK_CONNECTIONS = 2_000;
    private static final int WARM_UP_CONNECTIONS = 1_000;
    private static final int TOP_SITES = 10;
    private static final Duration TOKEN_TTL = Duration.ofHours(2);
    private static final Duration OPEN_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration GAUGE_TIMEOUT = Duration.ofSeconds(60);
    // Descriptors the bench keeps for itself beyond what it holds at the start (HTTP client
    // selectors, jcmd pipes, the broker's new segments).
    private static final int DESCRIPTOR_MARGIN = 128;

    @Mixin BenchOptions bench;

    @Option(
            names = "--connections",
            defaultValue = "20000",
            description = "Idle connections per round (default ${DEFAULT-VALUE}; --quick: 2000).")
    int connections;

    @Option(
            names = "--handshakes",
            defaultValue = "256",
            description = "Handshakes in flight while connecting (default ${DEFAULT-VALUE}).")
    int handshakes;

    @Option(
            names = "--hold",
            description =
                    "How long the fleet stays idle before the measurement (default: one ping"
                            + " interval + 5 s = 25s; --quick: 2s).")
    Duration hold;

    @Option(
            names = "--drop-bound",
            defaultValue = "PT60S",
            description = "How long the session count may take to reach 0 after the drop.")
    Duration dropBound;

    @Override
    public BenchOptions options() {
        return bench;
    }

    @Override
    public void run(BenchReport report) throws Exception {
        int requested = bench.quick() ? Math.min(connections, QUICK_CONNECTIONS) : connections;
        Duration idle =
                hold != null
                        ? hold
                        : bench.quick()
                                ? Duration.ofSeconds(2)
                                : IngestGatewayJvm.PING_INTERVAL.plusSeconds(5);
        Path dir = bench.freshDir("connections");
        DevKeys keys = DevKeys.loadOrCreate(dir.resolve("keys"));
        SourceAddresses addresses = SourceAddresses.detect();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
                IngestGatewayJvm gateway =
                        IngestGatewayJvm.start(
                                dir,
                                kafka.bootstrapServers(),
                                keys.jwksFile(),
                                GATEWAY_JVM_FLAGS)) {
            DescriptorBudget budget =
                    DescriptorBudget.measure(
                            gateway.jvm(), addresses, requested, DESCRIPTOR_MARGIN);
            int n = budget.connections();
            LOG.log(System.Logger.Level.INFO, budget::describe);
            List<String> tokens = tokens(keys.issuer(), n);
            cycle(
                    gateway,
                    addresses.forRound(Math.min(n, WARM_UP_CONNECTIONS), 0),
                    tokens,
                    Math.min(n, WARM_UP_CONNECTIONS));
            gateway.metrics().await(IngestGatewayJvm.CONNECTIONS_GAUGE, v -> v == 0, dropBound);
            List<ConnectionsRound> rounds = new ArrayList<>();
            Footprint before = Footprint.measure(gateway.jvm(), 0);
            for (int r = 1; r <= bench.rounds(); r++) {
                ConnectionsRound round =
                        round(gateway, r, addresses.forRound(n, r), tokens, idle, before);
                LOG.log(
                        System.Logger.Level.INFO,
                        () ->
                                String.format(
                                        "round %d: %d connected, %.0f B/connection live heap, %.0f"
                                                + " B RSS, drained in %s",
                                        round.round(),
                                        round.connected(),
                                        round.liveBytesPerConnection(),
                                        round.rssPerConnection(),
                                        round.sessionsReleased()
                                                .map(Duration::toString)
                                                .orElse("never")));
                rounds.add(round);
                before = round.after();
            }
            List<OldObjects.Site> sites =
                    profile(gateway, addresses.forRound(n, bench.rounds() + 1), tokens, dir);
            ConnectionsReport.write(
                    report, budget, addresses, idle, dropBound, gateway, rounds, sites);
        }
    }

    private ConnectionsRound round(
            IngestGatewayJvm gateway,
            int r,
            List<InetAddress> sources,
            List<String> tokens,
            Duration idle,
            Footprint before) {
        int restingSockets = gateway.jvm().sockets();
        try (IdleFleet fleet = IdleFleet.create(sources)) {
            long start = System.nanoTime();
            fleet.open(gateway.ingestUri(), tokens.size(), tokens::get, handshakes, OPEN_TIMEOUT);
            int connected = fleet.open();
            LOG.log(
                    System.Logger.Level.INFO,
                    () ->
                            String.format(
                                    "round %d: %d connected in %.1f s (%d failed)",
                                    r,
                                    connected,
                                    (System.nanoTime() - start) / 1e9,
                                    fleet.failed()));
            awaitSockets(gateway, n -> n >= restingSockets + connected, GAUGE_TIMEOUT);
            ServiceJvm.pause(idle);
            double gauge = gateway.connectionsGauge();
            Footprint loaded = Footprint.measure(gateway.jvm(), connected);
            long dropped = System.nanoTime();
            fleet.abortAll();
            Optional<Duration> socketsClosed =
                    awaitSockets(gateway, n -> n <= restingSockets, dropBound);
            Optional<Duration> released = Optional.empty();
            Footprint after;
            while (true) {
                after = Footprint.measure(gateway.jvm(), 0);
                if (after.instances(ConnectionsRound.SESSION_CLASS) == 0
                        && after.instances(ConnectionsRound.HELIDON_WS_CLASS) == 0) {
                    released = Optional.of(Duration.ofNanos(System.nanoTime() - dropped));
                    break;
                }
                if (System.nanoTime() - dropped > dropBound.toNanos()) {
                    break;
                }
                ServiceJvm.pause(Duration.ofSeconds(1));
            }
            return new ConnectionsRound(
                    r,
                    sources.size(),
                    connected,
                    fleet.failed(),
                    fleet.failures(),
                    fleet.closedByServer(),
                    before,
                    loaded,
                    after,
                    gauge,
                    socketsClosed,
                    released);
        }
    }

    /**
     * An extra, unmeasured round with JFR old-object sampling on in the gateway (the recording's
     * own buffers would distort a measured round): where the live per-connection memory was
     * allocated.
     */
    private List<OldObjects.Site> profile(
            IngestGatewayJvm gateway, List<InetAddress> sources, List<String> tokens, Path dir) {
        int resting = gateway.jvm().sockets();
        OldObjects.start(gateway.jvm());
        try (IdleFleet fleet = IdleFleet.create(sources)) {
            fleet.open(gateway.ingestUri(), tokens.size(), tokens::get, handshakes, OPEN_TIMEOUT);
            awaitSockets(gateway, s -> s >= resting + fleet.open(), GAUGE_TIMEOUT);
            Path jfr = OldObjects.dump(gateway.jvm(), dir.resolve("gateway-old-objects.jfr"));
            return OldObjects.sites(jfr, TOP_SITES);
        }
    }

    /** Polls the gateway's socket count until {@code done}; returns how long it took. */
    private static Optional<Duration> awaitSockets(
            IngestGatewayJvm gateway, IntPredicate done, Duration timeout) {
        long start = System.nanoTime();
        while (!done.test(gateway.jvm().sockets())) {
            if (System.nanoTime() - start > timeout.toNanos()) {
                return Optional.empty();
            }
            ServiceJvm.pause(Duration.ofMillis(100));
        }
        return Optional.of(Duration.ofNanos(System.nanoTime() - start));
    }

    /** Connects {@code n} and drops them: loads the gateway's classes and JIT before measuring. */
    private void cycle(
            IngestGatewayJvm gateway, List<InetAddress> sources, List<String> tokens, int n) {
        int resting = gateway.jvm().sockets();
        try (IdleFleet fleet = IdleFleet.create(sources)) {
            fleet.open(gateway.ingestUri(), n, tokens::get, handshakes, OPEN_TIMEOUT);
            awaitSockets(gateway, s -> s >= resting + fleet.open(), GAUGE_TIMEOUT);
        }
        awaitSockets(gateway, s -> s <= resting, dropBound);
    }

    private static List<String> tokens(TokenIssuer issuer, int n) {
        List<String> tokens = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            tokens.add(issuer.device(String.format("bench-idle-%05d", i), TOKEN_TTL));
        }
        return tokens;
    }
}

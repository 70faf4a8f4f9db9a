package io.sonde.cli.cluster;

import io.sonde.devtools.DevKeys;
import io.sonde.devtools.TokenIssuer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sonde cluster up|down|status|kill|start}: the local multi-process cluster
 * (docs/cluster.md). The first {@code up} fixes the folder's port base and instance count in {@code
 * layout.properties}; later commands on the folder read them from there.
 */
@Command(
        name = "cluster",
        mixinStandardHelpOptions = true,
        description =
                "A local cluster: 3 Kafka brokers, 2 of each service, nginx in front, all on"
                        + " loopback, as separate processes.",
        subcommands = {
            ClusterCommand.Up.class,
            ClusterCommand.Down.class,
            ClusterCommand.Status.class,
            ClusterCommand.Kill.class,
            ClusterCommand.Start.class,
        })
public final class ClusterCommand implements Runnable {
    private static final Duration VIEWER_TTL = Duration.ofHours(12);

    @Option(
            names = "--dir",
            defaultValue = "data/cluster",
            description =
                    "the cluster's folder: data, config, logs, pids (default: ${DEFAULT-VALUE})")
    Path dir;

    @Option(
            names = "--base-port",
            defaultValue = "18000",
            description = "ports are counted from here, on first up (default: ${DEFAULT-VALUE})")
    int basePort;

    @Option(
            names = "--instances",
            defaultValue = "2",
            description = "instances of each service, on first up (default: ${DEFAULT-VALUE})")
    int instances;

    @Override
    public void run() {
        System.out.println("Usage: sonde cluster up|down|status|kill NAME|start NAME (--help)");
    }

    Cluster cluster() throws IOException {
        return new Cluster(ClusterLayout.load(dir, basePort, instances), System.out);
    }

    /** {@code up}: starts what is not running. */
    @Command(name = "up", description = "Start every member that is not running.")
    static final class Up implements Callable<Integer> {
        @picocli.CommandLine.ParentCommand ClusterCommand parent;

        @Override
        public Integer call() throws Exception {
            Cluster cluster = parent.cluster();
            try {
                cluster.up();
            } catch (IOException e) {
                System.err.println("[sonde] cluster up failed: " + e.getMessage());
                System.err.println("[sonde] ./sonde cluster status shows what runs");
                return 1;
            }
            ClusterLayout l = cluster.layout();
            TokenIssuer issuer = DevKeys.loadOrCreate(l.keys()).issuer();
            String viewer = issuer.viewer("cluster-viewer", List.of("*"), true, VIEWER_TTL);
            System.out.printf(
                    "%nSonde cluster up (%s)%n  Dashboard  http://localhost:%d/?token=%s%n"
                            + "  Devices    ws://localhost:%d/v1/ingest%n"
                            + "  Brokers    %s%n  Tokens     ./sonde token device ID --keys %s%n"
                            + "  Status     ./sonde cluster status; stop: ./sonde cluster down%n",
                    l.dir(), l.pushPort(), viewer, l.ingestPort(), l.bootstrapServers(), l.keys());
            return 0;
        }
    }

    /** {@code down}: stops everything. */
    @Command(name = "down", description = "Stop every member (data is kept).")
    static final class Down implements Callable<Integer> {
        @picocli.CommandLine.ParentCommand ClusterCommand parent;

        @Override
        public Integer call() throws Exception {
            parent.cluster().down();
            return 0;
        }
    }

    /** {@code status}: one line per member; exit 1 unless all are up. */
    @Command(name = "status", description = "Each member's pid, port and state.")
    static final class Status implements Callable<Integer> {
        @picocli.CommandLine.ParentCommand ClusterCommand parent;

        @Override
        public Integer call() throws Exception {
            List<String> lines = parent.cluster().status();
            System.out.printf("%-12s %-8s %-6s %s%n", "member", "pid", "port", "state");
            lines.forEach(System.out::println);
            return lines.stream().allMatch(l -> l.endsWith(" ready") || l.endsWith(" up")) ? 0 : 1;
        }
    }

    /** {@code kill NAME}: as {@code kill -9}, or gracefully with {@code --graceful}. */
    @Command(name = "kill", description = "Kill one member (kill -9 unless --graceful).")
    static final class Kill implements Callable<Integer> {
        @picocli.CommandLine.ParentCommand ClusterCommand parent;

        @Parameters(paramLabel = "NAME", description = "e.g. broker-2, push-1")
        String name;

        @Option(names = "--graceful", description = "SIGTERM: let it stop cleanly")
        boolean graceful;

        @Override
        public Integer call() throws Exception {
            parent.cluster().kill(name, !graceful);
            return 0;
        }
    }

    /** {@code start NAME}: starts one member. */
    @Command(name = "start", description = "Start one member and wait until it is ready.")
    static final class Start implements Callable<Integer> {
        @picocli.CommandLine.ParentCommand ClusterCommand parent;

        @Parameters(paramLabel = "NAME", description = "e.g. broker-2, push-1")
        String name;

        @Override
        public Integer call() throws Exception {
            parent.cluster().start(name);
            return 0;
        }
    }
}

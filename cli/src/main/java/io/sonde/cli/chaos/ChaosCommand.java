package io.sonde.cli.chaos;

import io.sonde.cli.cluster.Cluster;
import io.sonde.cli.cluster.ClusterLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sonde chaos [--quick]}: the chaos run against the local cluster (docs/cluster.md),
 * bringing it up first when it is not. Exit 0 when every check held, 1 with the first violation
 * named otherwise.
 */
@Command(
        name = "chaos",
        mixinStandardHelpOptions = true,
        description =
                "Kill cluster members with kill -9 under load and check that nothing acknowledged"
                        + " is lost, aggregates are exact, alerts are raised and cleared once, and"
                        + " every viewer got every event once and in order.")
public final class ChaosCommand implements Callable<Integer> {
    // Each kill's clients must be served again within this; the next kill waits for them.
    private static final Duration BACK_LIMIT = Duration.ofSeconds(120);

    @Option(
            names = "--quick",
            description = "about 4 minutes (100 s of kills) instead of about 9 (7 min of kills)")
    boolean quick;

    @Option(names = "--dir", defaultValue = "data/cluster", description = "the cluster's folder")
    Path dir;

    @Option(names = "--devices", defaultValue = "6", description = "simulated devices")
    int devices;

    @Option(names = "--seed", defaultValue = "1", description = "seed of the random kill order")
    long seed;

    @Override
    public Integer call() throws Exception {
        Cluster cluster =
                new Cluster(ClusterLayout.load(dir, ClusterLayout.DEFAULT_BASE, 2), System.out);
        cluster.up();
        ChaosRun.Settings settings =
                quick
                        ? new ChaosRun.Settings(
                                Duration.ofSeconds(100),
                                Duration.ofSeconds(6),
                                devices,
                                seed,
                                BACK_LIMIT)
                        : new ChaosRun.Settings(
                                Duration.ofMinutes(7),
                                Duration.ofSeconds(10),
                                devices,
                                seed,
                                BACK_LIMIT);
        long start = System.nanoTime();
        ChaosRun.Result result = new ChaosRun(cluster, settings, System.out).run();
        System.out.println(result.summary());
        System.out.printf("[chaos] %d s%n", (System.nanoTime() - start) / 1_000_000_000);
        if (result.violations().isEmpty()) {
            System.out.println("[chaos] every check held");
            return 0;
        }
        System.out.println("[chaos] FAILED: " + result.violations().getFirst());
        result.violations().stream()
                .skip(1)
                .forEach(v -> System.out.println("[chaos]   also: " + v));
        return 1;
    }
}

package io.sonde.bench;

import io.sonde.stack.LocalStack;
import io.sonde.stack.StackConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import picocli.CommandLine.Option;

/** Options every scenario takes: add it to a scenario with {@code @Mixin BenchOptions bench;}. */
public final class BenchOptions {
    public static final int DEFAULT_ROUNDS = 3;

    @Option(
            names = "--rounds",
            defaultValue = "" + DEFAULT_ROUNDS,
            description = "A/B rounds (baseline, ours) x N; at least 3 for a published result.")
    int rounds;

    @Option(names = "--quick", description = "Short run for development: smaller and shorter.")
    boolean quick;

    @Option(
            names = "--results-dir",
            defaultValue = "bench/results",
            description = "Where NAME.md and .hgrm files go (default: ${DEFAULT-VALUE}).")
    Path resultsDir;

    @Option(
            names = "--work-dir",
            defaultValue = "bench/target/bench-work",
            description =
                    "Broker data, keys and state; wiped per scenario (default: ${DEFAULT-VALUE}).")
    Path workDir;

    @Option(
            names = "--jfr",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "Record JFR over the run and list the hot frames (default: on).")
    boolean jfr;

    public int rounds() {
        return rounds;
    }

    public boolean quick() {
        return quick;
    }

    public Path resultsDir() {
        return resultsDir;
    }

    public Path workDir() {
        return workDir;
    }

    public boolean jfr() {
        return jfr;
    }

    /** An empty directory {@code <work-dir>/name}, deleting what a previous run left there. */
    public Path freshDir(String name) {
        Path dir = workDir.resolve(name);
        try {
            if (Files.exists(dir)) {
                try (Stream<Path> files = Files.walk(dir)) {
                    for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + dir, e);
        }
    }

    /**
     * Starts an embedded broker in a fresh {@code <work-dir>/name}, with no service yet; topics get
     * {@code partitions} partitions and services free ports on loopback.
     */
    public LocalStack startStack(String name, int partitions) {
        return LocalStack.start(StackConfig.builder(freshDir(name)).partitions(partitions).build());
    }
}

package io.sonde.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a Java main class in a child JVM with this JVM's java and class path: how the Kafka tools
 * baselines run, so that their {@code Exit.exit} cannot end the bench and they get their own heap
 * and threads, as they would on the command line.
 */
public final class ChildJvm {
    private static final System.Logger LOG = System.getLogger(ChildJvm.class.getName());
    private static final List<String> DEFAULT_JVM_OPTIONS =
            List.of(
                    "-Xmx1g",
                    "--enable-native-access=ALL-UNNAMED",
                    "--sun-misc-unsafe-memory-access=allow");

    private ChildJvm() {}

    /**
     * @param exitCode the child's exit code
     * @param output stdout and stderr, merged
     * @param elapsed wall-clock time from start to exit
     */
    public record Result(int exitCode, String output, Duration elapsed) {
        /** The output lines, for tools that print one summary line. */
        public List<String> lines() {
            return output.lines().toList();
        }
    }

    /**
     * Runs {@code mainClass args} and waits for it; a child still running after {@code timeout} is
     * killed and reported as a {@link BenchException}.
     */
    public static Result run(String mainClass, List<String> args, Duration timeout) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(DEFAULT_JVM_OPTIONS);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(args);
        LOG.log(System.Logger.Level.INFO, "child JVM: {0} {1}", mainClass, String.join(" ", args));
        long start = System.nanoTime();
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new BenchException("cannot start " + mainClass, e);
        }
        AtomicReference<String> output = new AtomicReference<>("");
        try {
            // Read on a virtual thread so that a chatty child never blocks on a full pipe.
            var reader =
                    Thread.ofVirtual()
                            .start(() -> {
                                try {
                                    output.set(
                                            new String(
                                                    process.getInputStream().readAllBytes(),
                                                    StandardCharsets.UTF_8));
                                } catch (IOException e) {
                                    output.set("(output lost: " + e + ")");
                                }
                            });
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new BenchException(mainClass + " did not finish within " + timeout);
            }
            reader.join();
            return new Result(
                    process.exitValue(), output.get(), Duration.ofNanos(System.nanoTime() - start));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted while running " + mainClass, e);
        }
    }
}

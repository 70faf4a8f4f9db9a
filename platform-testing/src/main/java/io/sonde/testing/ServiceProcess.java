package io.sonde.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Sonde service in its own JVM, started the way an operator starts it ({@code XxxMain --config
 * FILE}) with this test JVM's class path, so that a test can send it real signals: SIGTERM for an
 * orderly stop, SIGKILL for a crash. Its environment holds no {@code SONDE_*} or {@code
 * KAFKA_BOOTSTRAP_SERVERS} variable of the developer's: the config file says everything.
 *
 * <p>Its output is kept in memory, line by line, for {@link #awaitReady} and for failure messages.
 */
public final class ServiceProcess implements AutoCloseable {
    private static final Pattern READY = Pattern.compile("\\[sonde] \\S+ ready on port (\\d+)");

    private final Process process;
    private final List<String> output = new ArrayList<>();
    private final CountDownLatch drained = new CountDownLatch(1);

    private ServiceProcess(Process process) {
        this.process = process;
        Thread.ofVirtual().start(this::read);
    }

    /**
     * Starts {@code main} with {@code settings} written to a properties file in {@code dir}.
     *
     * @param settings flat config keys, e.g. {@code server.port=0}
     */
    public static ServiceProcess start(Class<?> main, Map<String, String> settings, Path dir) {
        try {
            Path config = Files.createTempFile(dir, "service-", ".properties");
            Properties props = new Properties();
            props.putAll(settings);
            try (Writer w = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
                props.store(w, "written by ServiceProcess");
            }
            String java = ProcessHandle.current().info().command().orElse("java");
            List<String> command = new ArrayList<>();
            command.add(java);
            command.add("-Xmx256m");
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(main.getName());
            command.add("--config");
            command.add(config.toString());
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment()
                    .keySet()
                    .removeIf(k -> k.startsWith("SONDE_") || k.equals("KAFKA_BOOTSTRAP_SERVERS"));
            return new ServiceProcess(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for the service's "ready on port N" line; returns N. */
    public int awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (output) {
            int checked = 0;
            while (true) {
                for (; checked < output.size(); checked++) {
                    Matcher m = READY.matcher(output.get(checked));
                    if (m.find()) {
                        return Integer.parseInt(m.group(1));
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || !process.isAlive()) {
                    throw new AssertionError(
                            "service not ready (alive: "
                                    + process.isAlive()
                                    + "); output:\n"
                                    + String.join("\n", output));
                }
                TimeUnit.NANOSECONDS.timedWait(output, Math.min(left, 200_000_000L));
            }
        }
    }

    /**
     * SIGTERM: the orderly stop a container platform asks for. Sent through the process handle:
     * {@link Process#destroy()} would also close our end of its output pipe, and the lines it
     * writes while stopping would be lost.
     */
    public void terminate() {
        process.toHandle().destroy();
    }

    /** SIGKILL: a crash. */
    public void kill() {
        process.toHandle().destroyForcibly();
    }

    /** Waits for the process to end; returns its exit code (143 after SIGTERM). */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("service still running after " + timeout);
        }
        // Its last lines may still be on their way through the pipe.
        drained.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return process.exitValue();
    }

    /** Everything it printed so far. */
    public String output() {
        synchronized (output) {
            return String.join("\n", output);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private void read() {
        try (BufferedReader in =
                new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (output) {
                    output.add(line);
                    output.notifyAll();
                }
            }
        } catch (IOException e) {
            // The process ended; what it wrote is kept.
        } finally {
            drained.countDown();
        }
    }
}

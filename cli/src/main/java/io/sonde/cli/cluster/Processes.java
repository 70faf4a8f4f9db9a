package io.sonde.cli.cluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Starting, finding and stopping the cluster's processes. Each runs detached from the command that
 * started it (its output appended to its log file, its pid in its pid file), so that {@code ./sonde
 * cluster up} returns and the members live on until {@code down} or a {@code kill}.
 */
final class Processes {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final ClusterLayout layout;

    Processes(ClusterLayout layout) {
        this.layout = layout;
    }

    /** The member's process, when its pid file names one that is alive. */
    Optional<ProcessHandle> running(Member m) {
        Path pid = layout.pidFile(m);
        try {
            if (!Files.exists(pid)) {
                return Optional.empty();
            }
            long id = Long.parseLong(Files.readString(pid).strip());
            return ProcessHandle.of(id).filter(ProcessHandle::isAlive);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Starts {@code command} for {@code m}, output to its log, and records its pid. */
    ProcessHandle start(Member m, List<String> command) throws IOException {
        Files.createDirectories(layout.log(m).getParent());
        Files.createDirectories(layout.pidFile(m).getParent());
        ProcessBuilder pb =
                new ProcessBuilder(command)
                        .directory(layout.dir().toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(layout.log(m).toFile()))
                        .redirectInput(ProcessBuilder.Redirect.from(nullFile()));
        // The members read their settings from their files, never from this shell's.
        // Environment variables would win over those files (SERVER_HOST=0.0.0.0 would open every
        // service beyond loopback), so none of Sonde's, Helidon's or OpenTelemetry's pass.
        pb.environment()
                .keySet()
                .removeIf(k ->
                        k.startsWith("SONDE_")
                                || k.startsWith("KAFKA_")
                                || k.startsWith("SERVER_")
                                || k.startsWith("OTEL_"));
        Process p = pb.start();
        Files.writeString(layout.pidFile(m), Long.toString(p.pid()));
        return p.toHandle();
    }

    /** A Java command line running {@code mainClass} on this command's own class path. */
    static List<String> java(String heap, String mainClass, String... args) {
        String java =
                ProcessHandle.current()
                        .info()
                        .command()
                        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.add("-Xmx" + heap);
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:+ExitOnOutOfMemoryError");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        return cmd;
    }

    /**
     * Kills the member: {@code force} is {@code kill -9}; otherwise SIGTERM, then -9 after 20 s.
     */
    boolean stop(Member m, boolean force) throws InterruptedException {
        Optional<ProcessHandle> p = running(m);
        if (p.isEmpty()) {
            return false;
        }
        ProcessHandle h = p.get();
        // nginx's workers hold its ports: they go with the master.
        List<ProcessHandle> children = h.descendants().toList();
        if (force) {
            h.destroyForcibly();
            children.forEach(ProcessHandle::destroyForcibly);
        } else {
            h.destroy();
        }
        try {
            h.onExit().get(20, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            h.destroyForcibly();
        }
        try {
            Files.deleteIfExists(layout.pidFile(m));
        } catch (IOException e) {
            // A stale pid file names no live process of ours; running() checks that.
        }
        return true;
    }

    /** Something accepts connections on 127.0.0.1:{@code port}. */
    static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The service on {@code port} answers its readiness check with 200. */
    static boolean ready(int port) {
        try {
            HttpResponse<Void> r =
                    HTTP.send(
                            HttpRequest.newBuilder(
                                            URI.create(
                                                    "http://127.0.0.1:"
                                                            + port
                                                            + "/observe/health/ready"))
                                    .timeout(Duration.ofSeconds(2))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static java.io.File nullFile() {
        return new java.io.File("/dev/null");
    }
}

package io.sonde.bench.connections;

import io.sonde.bench.BenchException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A service under test in its own JVM, so that its heap, RSS and CPU are its own and not the load
 * generator's. Started as {@code bash -c 'ulimit -n <hard limit>; exec java ...'}: the soft
 * open-files limit is raised to the hard one (a shell matter), and {@code exec} makes the java
 * process the child itself, so {@link #pid()} is the JVM's pid for {@code jcmd} and {@code /proc}.
 *
 * <p>Output goes to {@code <log>}; {@link #close()} sends SIGTERM (the service's shutdown hook
 * runs) and kills it after a grace period. Not thread-safe: one owner thread.
 */
public final class ServiceJvm implements AutoCloseable {
    private static final Duration STOP_GRACE = Duration.ofSeconds(20);
    private static final Pattern MAX_OPEN_FILES =
            Pattern.compile("^Max open files\\s+(\\d+)\\s+(\\d+)", Pattern.MULTILINE);

    private final Process process;
    private final Path log;
    private final List<String> jvmFlags;

    private ServiceJvm(Process process, Path log, List<String> jvmFlags) {
        this.process = process;
        this.log = log;
        this.jvmFlags = jvmFlags;
    }

    /**
     * Starts {@code mainClass args} on this JVM's classpath with {@code jvmFlags}.
     *
     * @throws BenchException when the process cannot be started
     */
    public static ServiceJvm start(
            String mainClass, List<String> jvmFlags, List<String> args, Path log) {
        List<String> java = new ArrayList<>();
        java.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        java.addAll(jvmFlags);
        if (Runtime.version().feature() >= 24) {
            // As ./sonde does: protobuf and Kafka still touch sun.misc.Unsafe.
            java.add("--enable-native-access=ALL-UNNAMED");
            java.add("--sun-misc-unsafe-memory-access=allow");
        }
        java.add(mainClass);
        java.addAll(args);
        List<String> command =
                new ArrayList<>(
                        List.of("bash", "-c", "ulimit -n $(ulimit -Hn); exec \"$@\"", "child"));
        command.addAll(java);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("CLASSPATH", System.getProperty("java.class.path"));
        pb.redirectOutput(log.toFile());
        try {
            return new ServiceJvm(pb.start(), log, List.copyOf(jvmFlags));
        } catch (IOException e) {
            throw new BenchException("cannot start " + mainClass, e);
        }
    }

    public long pid() {
        return process.pid();
    }

    public List<String> jvmFlags() {
        return jvmFlags;
    }

    public Path log() {
        return log;
    }

    /** Waits until {@code url} answers 200; fails early when the process dies. */
    public void awaitHealthy(URI url, Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new BenchException(
                        "child JVM exited with " + process.exitValue() + "; see " + log);
            }
            try {
                HttpRequest req =
                        HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(2)).build();
                if (http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BenchException("interrupted while waiting for " + url, e);
            }
            pause(Duration.ofMillis(250));
        }
        throw new BenchException(url + " not healthy within " + timeout + "; see " + log);
    }

    /** Runs {@code jcmd PID command...} and returns its output. */
    public String jcmd(String... command) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
        cmd.add(Long.toString(pid()));
        cmd.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new BenchException(
                        "jcmd " + String.join(" ", command) + " failed: " + new String(out));
            }
            return new String(out);
        } catch (IOException e) {
            throw new BenchException("cannot run jcmd", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted in jcmd", e);
        }
    }

    /** VmRSS from {@code /proc/PID/status}, in bytes. */
    public long rssBytes() {
        return ProcFiles.statusKb(pid(), "VmRSS") * 1024;
    }

    /** File descriptors the process holds now. */
    public int openFiles() {
        return ProcFiles.openFiles(pid());
    }

    /** Sockets the process holds now (descriptors linked to {@code socket:[inode]}). */
    public int sockets() {
        return ProcFiles.sockets(pid());
    }

    /** The soft open-files limit the process runs with. */
    public long openFilesLimit() {
        return ProcFiles.openFilesLimit(pid());
    }

    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** Sleeps {@code d}: the polling interval of a bounded wait loop. */
    public static void pause(Duration d) {
        try {
            Thread.sleep(d); // a polling interval in a bounded wait loop
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted", e);
        }
    }

    /** Reads of {@code /proc} for one process. */
    static final class ProcFiles {
        private ProcFiles() {}

        static long statusKb(long pid, String field) {
            try (Stream<String> lines = Files.lines(Path.of("/proc/" + pid + "/status"))) {
                return lines.filter(l -> l.startsWith(field + ":"))
                        .map(l -> l.replaceAll("\\D", ""))
                        .mapToLong(Long::parseLong)
                        .findFirst()
                        .orElse(-1);
            } catch (IOException e) {
                throw new BenchException("cannot read /proc/" + pid + "/status", e);
            }
        }

        static long openFilesLimit(long pid) {
            try {
                Matcher m =
                        MAX_OPEN_FILES.matcher(
                                Files.readString(Path.of("/proc/" + pid + "/limits")));
                return m.find() ? Long.parseLong(m.group(1)) : -1;
            } catch (IOException e) {
                throw new BenchException("cannot read the limits of " + pid, e);
            }
        }

        static int sockets(long pid) {
            try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
                return (int) fds.filter(ProcFiles::isSocket).count();
            } catch (IOException e) {
                throw new BenchException("cannot list /proc/" + pid + "/fd", e);
            }
        }

        private static boolean isSocket(Path fd) {
            try {
                return Files.readSymbolicLink(fd).toString().startsWith("socket:");
            } catch (IOException e) {
                return false; // closed while we looked
            }
        }

        static int openFiles(long pid) {
            try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
                return (int) fds.count();
            } catch (IOException e) {
                throw new BenchException("cannot list /proc/" + pid + "/fd", e);
            }
        }
    }
}

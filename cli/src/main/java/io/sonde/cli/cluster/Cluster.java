package io.sonde.cli.cluster;

import io.sonde.devtools.DevKeys;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;

/**
 * The local cluster as one thing (docs/cluster.md): brings up whatever member is not running, takes
 * them all down, shows their state, and kills or starts one member, as an operator (or the chaos
 * run) would. Used by one command at a time; members outlive it.
 */
public final class Cluster {
    static final Path NGINX = Path.of("/usr/sbin/nginx");
    private static final Duration START_WAIT = Duration.ofMinutes(3);
    private static final Map<Member.Kind, String> COMMANDS =
            Map.of(
                    Member.Kind.INGEST, "ingest-gateway",
                    Member.Kind.PROCESSOR, "stream-processor",
                    Member.Kind.PUSH, "push-gateway");

    private final ClusterLayout layout;
    private final Processes processes;
    private final MemberFiles files;
    private final PrintStream out;

    public Cluster(ClusterLayout layout, PrintStream out) {
        this.layout = layout;
        this.processes = new Processes(layout);
        this.files = new MemberFiles(layout);
        this.out = out;
    }

    public ClusterLayout layout() {
        return layout;
    }

    /** Starts every member that is not running, in order, each kind ready before the next. */
    public void up() throws IOException, InterruptedException {
        checkPortsFree();
        DevKeys.loadOrCreate(layout.keys());
        for (Member.Kind kind : Member.Kind.values()) {
            List<Member> started = new ArrayList<>();
            for (Member m : layout.members(kind)) {
                if (processes.running(m).isEmpty()) {
                    launch(m);
                    started.add(m);
                }
            }
            for (Member m : started) {
                awaitReady(m);
            }
        }
    }

    /** Starts one member that is not running and waits until it is ready. */
    public void start(String name) throws IOException, InterruptedException {
        Member m = member(name);
        if (processes.running(m).isPresent()) {
            out.println("[sonde] " + name + " is running already");
            return;
        }
        launch(m);
        awaitReady(m);
    }

    /** Kills one member: {@code kill -9} when {@code force}, else a graceful stop. */
    public void kill(String name, boolean force) throws InterruptedException {
        Member m = member(name);
        out.println(
                processes.stop(m, force)
                        ? "[sonde] " + name + (force ? " killed (-9)" : " stopped")
                        : "[sonde] " + name + " was not running");
    }

    /** Stops every member, newest kind first (nginx, push, ingest, processors, brokers). */
    public void down() throws InterruptedException {
        List<Member> all = new ArrayList<>(layout.members());
        java.util.Collections.reverse(all);
        for (Member m : all) {
            if (processes.stop(m, false)) {
                out.println("[sonde] stopped " + m.name());
            }
        }
    }

    /** One line per member: pid, port, state. */
    public List<String> status() {
        List<String> lines = new ArrayList<>();
        for (Member m : layout.members()) {
            Optional<ProcessHandle> p = processes.running(m);
            String state;
            if (p.isEmpty()) {
                state = "down";
            } else if (m.isService()) {
                state = Processes.ready(m.port()) ? "ready" : "starting (not ready)";
            } else {
                state = Processes.listening(m.port()) ? "up" : "starting";
            }
            lines.add(
                    String.format(
                            "%-12s %-8s %-6d %s",
                            m.name(),
                            p.map(h -> Long.toString(h.pid())).orElse("-"),
                            m.port(),
                            state));
        }
        return lines;
    }

    /** Whether the member's process is alive. */
    public boolean running(String name) {
        return processes.running(member(name)).isPresent();
    }

    private Member member(String name) {
        return layout.member(name)
                .orElseThrow(() ->
                        new IllegalArgumentException(
                                "no member "
                                        + name
                                        + "; members: "
                                        + layout.members().stream().map(Member::name).toList()));
    }

    private void launch(Member m) throws IOException, InterruptedException {
        files.prepare(m);
        switch (m.kind()) {
            case BROKER ->
                    processes.start(
                            m, Processes.java("512m", "kafka.Kafka", layout.config(m).toString()));
            case NGINX -> startNginx(m);
            default ->
                    processes.start(
                            m,
                            Processes.java(
                                    "256m",
                                    "io.sonde.cli.SondeMain",
                                    COMMANDS.get(m.kind()),
                                    "--config",
                                    layout.config(m).toString()));
        }
        out.println("[sonde] starting " + m.name() + " on 127.0.0.1:" + m.port());
    }

    private void startNginx(Member m) throws IOException, InterruptedException {
        if (!Files.isExecutable(NGINX)) {
            throw new IOException("nginx is not installed (apt-get install nginx)");
        }
        Files.createDirectories(layout.dir().resolve("run"));
        Files.createDirectories(layout.dir().resolve("logs"));
        Files.writeString(layout.config(m), NginxConfig.render(layout));
        String conf = layout.config(m).toString();
        String prefix = layout.dir().toString();
        // nginx daemonizes and writes its own pid file (run/nginx.pid, as the layout names it).
        for (String[] args :
                new String[][] {
                    {"-t", "-q", "-p", prefix, "-c", conf}, {"-p", prefix, "-c", conf}
                }) {
            List<String> cmd = new ArrayList<>(List.of(NGINX.toString()));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String said = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IOException("nginx " + String.join(" ", args) + " failed: " + said);
            }
        }
    }

    private void awaitReady(Member m) throws InterruptedException, IOException {
        BooleanSupplier ready =
                switch (m.kind()) {
                    case BROKER -> () -> brokersUp(m);
                    case NGINX -> () -> Processes.listening(layout.pushPort());
                    default -> () -> Processes.ready(m.port());
                };
        long deadline = System.nanoTime() + START_WAIT.toNanos();
        while (!ready.getAsBoolean()) {
            // nginx writes its pid file a moment after its start returns.
            if (m.kind() != Member.Kind.NGINX && processes.running(m).isEmpty()) {
                throw new IOException(m.name() + " exited; see " + layout.log(m));
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(
                        m.name() + " not ready after " + START_WAIT + "; see " + layout.log(m));
            }
            // Readiness is only known by asking (HTTP, a socket, the brokers): ask again soon.
            Thread.sleep(250);
        }
        out.println("[sonde] " + m.name() + " ready");
    }

    // A broker is up once the cluster answers through it with every broker registered.
    private boolean brokersUp(Member broker) {
        if (!Processes.listening(broker.port())) {
            return false;
        }
        try (Admin admin =
                Admin.create(
                        Map.of(
                                CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                                "127.0.0.1:" + broker.port(),
                                CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG,
                                3000,
                                "default.api.timeout.ms",
                                3000))) {
            return admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).size()
                    >= ClusterLayout.BROKERS;
        } catch (Exception e) {
            return false;
        }
    }

    private void checkPortsFree() throws IOException {
        List<Integer> busy = new ArrayList<>();
        for (Member m : layout.members()) {
            if (processes.running(m).isPresent()) {
                continue;
            }
            for (int port : layout.ports(m)) {
                if (Processes.listening(port)) {
                    busy.add(port);
                }
            }
        }
        if (!busy.isEmpty()) {
            throw new IOException(
                    "ports in use by something else: "
                            + busy
                            + "; choose another base with --base-port");
        }
    }
}

package io.sonde.cli.cluster;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * Where everything of the local cluster lives and listens (docs/cluster.md): one folder holding
 * each member's data, configuration, log and pid file, and ports counted from one base.
 *
 * <pre>
 * base+80 nginx: push gateways and the dashboard   base+81 nginx: ingest gateways
 * base+82 nginx: the stream processors' API
 * base+92..94 brokers (clients)   base+95..97 brokers (controllers)
 * base+101..102 ingest   base+111..112 processors   base+121..122 push
 * </pre>
 *
 * @param dir the cluster's folder
 * @param base the port base (default 18000)
 * @param instances instances of each service (2)
 */
public record ClusterLayout(Path dir, int base, int instances) {
    public static final int DEFAULT_BASE = 18000;
    public static final int BROKERS = 3;
    private static final String LAYOUT_FILE = "layout.properties";

    public ClusterLayout {
        if (base < 1024 || base > 65000) {
            throw new IllegalArgumentException("port base must lie in 1024..65000, got " + base);
        }
        if (instances < 1 || instances > 9) {
            throw new IllegalArgumentException("instances must lie in 1..9, got " + instances);
        }
        dir = dir.toAbsolutePath().normalize();
    }

    /**
     * The layout of the cluster in {@code dir}: as its {@code layout.properties} says, written by
     * the first call with {@code base} and {@code instances}.
     */
    public static ClusterLayout load(Path dir, int base, int instances) throws IOException {
        Path file = dir.resolve(LAYOUT_FILE);
        Properties p = new Properties();
        if (Files.exists(file)) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            }
            return new ClusterLayout(
                    dir,
                    Integer.parseInt(p.getProperty("base-port")),
                    Integer.parseInt(p.getProperty("instances")));
        }
        ClusterLayout layout = new ClusterLayout(dir, base, instances);
        p.setProperty("base-port", String.valueOf(base));
        p.setProperty("instances", String.valueOf(instances));
        Files.createDirectories(dir);
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(w, "the cluster's layout; delete the folder to change it");
        }
        return layout;
    }

    /** Every member, in start order: brokers, processors, ingest, push, nginx. */
    public List<Member> members() {
        List<Member> all = new ArrayList<>();
        for (int i = 1; i <= BROKERS; i++) {
            all.add(new Member("broker-" + i, Member.Kind.BROKER, i, base + 91 + i));
        }
        for (int i = 1; i <= instances; i++) {
            all.add(new Member("processor-" + i, Member.Kind.PROCESSOR, i, base + 110 + i));
        }
        for (int i = 1; i <= instances; i++) {
            all.add(new Member("ingest-" + i, Member.Kind.INGEST, i, base + 100 + i));
        }
        for (int i = 1; i <= instances; i++) {
            all.add(new Member("push-" + i, Member.Kind.PUSH, i, base + 120 + i));
        }
        all.add(new Member("nginx", Member.Kind.NGINX, 1, pushPort()));
        return all;
    }

    public List<Member> members(Member.Kind kind) {
        return members().stream().filter(m -> m.kind() == kind).toList();
    }

    public Optional<Member> member(String name) {
        return members().stream().filter(m -> m.name().equals(name)).findFirst();
    }

    /** nginx's port for dashboards and programs: push gateways. */
    public int pushPort() {
        return base + 80;
    }

    /** nginx's port for devices: ingest gateways. */
    public int ingestPort() {
        return base + 81;
    }

    /** nginx's port for the stream processors' API (the push gateways' processor URL). */
    public int apiPort() {
        return base + 82;
    }

    /** A broker's controller listener. */
    public int controllerPort(Member broker) {
        return base + 94 + broker.index();
    }

    /** {@code bootstrap.servers} naming every broker. */
    public String bootstrapServers() {
        return members(Member.Kind.BROKER).stream()
                .map(b -> "127.0.0.1:" + b.port())
                .collect(Collectors.joining(","));
    }

    /** Every port of the cluster. */
    public List<Integer> ports() {
        return members().stream().flatMap(m -> ports(m).stream()).toList();
    }

    /** The ports {@code m} listens on, for the check that they are free before it starts. */
    public List<Integer> ports(Member m) {
        return switch (m.kind()) {
            case BROKER -> List.of(m.port(), controllerPort(m));
            case NGINX -> List.of(pushPort(), ingestPort(), apiPort());
            default -> List.of(m.port());
        };
    }

    public Path data(Member m) {
        return dir.resolve("data").resolve(m.name());
    }

    public Path log(Member m) {
        return dir.resolve("logs").resolve(m.name() + ".log");
    }

    public Path pidFile(Member m) {
        return dir.resolve("run").resolve(m.name() + ".pid");
    }

    public Path config(Member m) {
        return dir.resolve("conf")
                .resolve(m.name() + (m.kind() == Member.Kind.NGINX ? ".conf" : ".properties"));
    }

    public Path keys() {
        return dir.resolve("keys");
    }
}

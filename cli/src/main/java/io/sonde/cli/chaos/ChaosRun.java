package io.sonde.cli.chaos;

import io.sonde.cli.cluster.Cluster;
import io.sonde.cli.cluster.ClusterLayout;
import io.sonde.cli.cluster.Member;
import io.sonde.devtools.DevKeys;
import io.sonde.devtools.TokenIssuer;
import io.sonde.platform.kafka.Topics;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The chaos run (docs/cluster.md): devices and dashboard viewers stream through nginx while one
 * member after another is killed with {@code kill -9} and started again: first one of each kind in
 * turn (ingest gateway, stream processor, push gateway, broker), then members in random order until
 * the time is up. Then the devices stop, the viewers catch up, and {@link ChaosChecks} reads what
 * Kafka holds.
 *
 * @param cluster the running local cluster
 * @param settings how long, how many, which seed
 * @param out where the run reports
 */
public record ChaosRun(Cluster cluster, Settings settings, PrintStream out) {
    private static final String RULE = "chaos-hot";
    private static final Topics TOPICS = Topics.withPrefix(Topics.DEFAULT_PREFIX);

    /**
     * @param duration the whole kill phase
     * @param down how long a killed member stays dead
     * @param devices simulated devices
     * @param seed the random order's seed
     * @param backLimit how long the clients a kill cut off may take to be served again before it is
     *     a violation (the next kill waits for them that long at most)
     */
    public record Settings(
            Duration duration, Duration down, int devices, long seed, Duration backLimit) {}

    /** The outcome: violations (empty when every check held) and what was counted. */
    public record Result(List<String> violations, String summary) {}

    /** One kill, and how long until its victim's clients were served again (empty: never). */
    private record Kill(Member victim, Optional<Duration> back) {
        @Override
        public String toString() {
            return victim.name()
                    + " "
                    + back.map(d -> String.format("%.1f s", d.toMillis() / 1000.0))
                            .orElse("not back");
        }
    }

    public Result run() throws Exception {
        ClusterLayout l = cluster.layout();
        TokenIssuer issuer = DevKeys.loadOrCreate(l.keys()).issuer();
        putRule(l, issuer);
        List<ChaosDevice> devices = devices(l, issuer);
        List<ChaosViewer> viewers = viewers(l, issuer, devices);
        try (ClusterRecovery recovery = new ClusterRecovery(l, TOPICS.telemetry().name())) {
            recovery.baseline();
            // Viewers first, subscribed before the first reading: they must get every one.
            viewers.forEach(v -> daemon(v.name(), v));
            for (ChaosViewer v : viewers) {
                if (!v.awaitOpened(Duration.ofSeconds(60))) {
                    throw new IOException(v.name() + " could not open its stream");
                }
            }
            List<Thread> sending = devices.stream().map(d -> daemon(d.id(), d)).toList();
            List<Kill> kills = kill(l, recovery, devices, viewers);
            devices.forEach(ChaosDevice::stop);
            for (Thread t : sending) {
                t.join();
            }
            ChaosChecks checks = awaitSettled(l, devices, viewers);
            checks.acknowledged(devices);
            checks.aggregates(devices);
            checks.alerts(devices, RULE);
            checks.viewers(viewers);
            viewers.forEach(ChaosViewer::stop);
            List<String> violations = new ArrayList<>(checks.violations());
            kills.stream()
                    .filter(k -> k.back().isEmpty())
                    .forEach(k -> violations.add(notBack(k.victim(), settings.backLimit())));
            // Every client of the run has gone: the cluster is back to what it held before.
            violations.addAll(recovery.awaitNormal(Duration.ofSeconds(60)));
            return new Result(
                    violations,
                    summary(kills, devices, viewers, checks) + "\nafter: " + recovery.normal());
        } finally {
            devices.forEach(ChaosDevice::stop);
            viewers.forEach(ChaosViewer::stop);
        }
    }

    private List<ChaosDevice> devices(ClusterLayout l, TokenIssuer issuer) {
        // Ids of this run only: the topic holds no record of them from before.
        String run = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
        List<ChaosDevice> devices = new ArrayList<>();
        for (int i = 1; i <= settings().devices(); i++) {
            String id = "chaos-" + run + "-" + i;
            devices.add(
                    new ChaosDevice(
                            id,
                            URI.create("ws://127.0.0.1:" + l.ingestPort() + "/v1/ingest"),
                            issuer.device(id, Duration.ofHours(2)),
                            Duration.ofMillis(200)));
        }
        return devices;
    }

    private static Thread daemon(String name, Runnable work) {
        return Thread.ofPlatform().name(name).daemon().start(work);
    }

    private static String notBack(Member victim, Duration limit) {
        String clients =
                switch (victim.kind()) {
                    case PROCESSOR -> "the readings written after it were not all processed";
                    case PUSH -> "some viewer got no event";
                    default -> "some device got no ack";
                };
        return "after kill -9 " + victim.name() + " " + clients + " in " + limit.toSeconds() + " s";
    }

    private static String summary(
            List<Kill> kills,
            List<ChaosDevice> devices,
            List<ChaosViewer> viewers,
            ChaosChecks checks) {
        return String.format(
                "kills: %s%nreadings acked %d (resent %d), records in the topic for all runs %d,"
                        + " 10 s finals %d, alert episodes %d, viewers %d, viewer reconnects %d",
                kills,
                devices.stream().mapToLong(d -> d.acked().size()).sum(),
                devices.stream().mapToLong(ChaosDevice::resends).sum(),
                checks.readingRecords(),
                checks.finals(),
                checks.alertEpisodes(),
                viewers.size(),
                viewers.stream().mapToLong(ChaosViewer::reconnects).sum());
    }

    // Two viewers per transport, each on half of the devices.
    private static List<ChaosViewer> viewers(
            ClusterLayout l, TokenIssuer issuer, List<ChaosDevice> devices) {
        String token =
                issuer.viewer("chaos-viewer", List.of("telemetry:*"), false, Duration.ofHours(2));
        URI push = URI.create("http://127.0.0.1:" + l.pushPort());
        List<ChaosViewer> out = new ArrayList<>();
        for (ChaosViewer.Transport t : ChaosViewer.Transport.values()) {
            for (int v = 0; v < 2; v++) {
                List<String> mine = new ArrayList<>();
                for (int i = v; i < devices.size(); i += 2) {
                    mine.add(devices.get(i).id());
                }
                out.add(new ChaosViewer(t.name().toLowerCase() + "-" + v, t, push, token, mine));
            }
        }
        return out;
    }

    // One of each kind in turn (the ingest and push gateway with the most clients, so that the
    // kill hits someone), then members at random until the time is up. Each victim is started
    // again after the outage; the next kill waits until the victim's clients are served again,
    // so that each recovery is timed on its own.
    private List<Kill> kill(
            ClusterLayout l,
            ClusterRecovery recovery,
            List<ChaosDevice> devices,
            List<ChaosViewer> viewers)
            throws Exception {
        List<Member> members =
                l.members().stream().filter(m -> m.kind() != Member.Kind.NGINX).toList();
        List<Member.Kind> turns =
                List.of(
                        Member.Kind.INGEST,
                        Member.Kind.PROCESSOR,
                        Member.Kind.PUSH,
                        Member.Kind.BROKER);
        Random random = new Random(settings.seed());
        long end = System.nanoTime() + settings.duration().toNanos();
        List<Kill> done = new ArrayList<>();
        for (int i = 0; i < turns.size() || System.nanoTime() < end; i++) {
            Member victim =
                    i < turns.size()
                            ? busiest(l.members(turns.get(i)))
                            : members.get(random.nextInt(members.size()));
            done.add(killOnce(victim, recovery, devices, viewers));
            // Steady load on the whole cluster again before the next victim.
            Thread.sleep(settings.down());
        }
        return done;
    }

    // Kills `victim`, starts it again after the outage, and times its clients' recovery from the
    // kill on, while it is down and after it is back.
    private Kill killOnce(
            Member victim,
            ClusterRecovery recovery,
            List<ChaosDevice> devices,
            List<ChaosViewer> viewers)
            throws Exception {
        out.println("[chaos] kill -9 " + victim.name());
        long killedAt = System.nanoTime();
        cluster.kill(victim.name(), true);
        CompletableFuture<Optional<Duration>> back = new CompletableFuture<>();
        daemon(
                "chaos-recovery",
                () -> {
                    try {
                        back.complete(
                                recovery.awaitBack(
                                        victim.kind(),
                                        killedAt,
                                        devices,
                                        viewers,
                                        settings.backLimit()));
                    } catch (Throwable e) {
                        back.completeExceptionally(e);
                    }
                });
        // The outage itself: the member stays dead this long while the load goes on.
        Thread.sleep(settings.down());
        cluster.start(victim.name());
        // The timer gives up at the limit itself; this bound only guards against its thread.
        Kill k =
                new Kill(
                        victim,
                        back.get(
                                settings.backLimit().plusSeconds(60).toSeconds(),
                                TimeUnit.SECONDS));
        out.println("[chaos] served again: " + k);
        return k;
    }

    // The instance with the most device connections or push sessions; the second broker or
    // processor for the others.
    private static Member busiest(List<Member> instances) {
        Member best = instances.get(instances.size() > 1 ? 1 : 0);
        double most = -1;
        for (Member m : instances) {
            double clients =
                    switch (m.kind()) {
                        case INGEST -> ClusterMetrics.sum(m.port(), "sonde_ingest_connections");
                        case PUSH -> ClusterMetrics.sum(m.port(), "sonde_push_sessions");
                        default -> -1;
                    };
            if (clients > most) {
                most = clients;
                best = m;
            }
        }
        return best;
    }

    // After the devices stop, the processors close the last windows on their idle check (the
    // grace past each device's estimated time) and the viewers read what is left: checked again
    // until the windows and the viewers hold, or two and a half minutes have passed.
    private ChaosChecks awaitSettled(
            ClusterLayout l, List<ChaosDevice> devices, List<ChaosViewer> viewers)
            throws InterruptedException {
        out.println("[chaos] devices stopped; waiting for the last windows and events");
        // The windows close a grace (60 s here) after each device's last reading.
        long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
        while (true) {
            ChaosChecks now = new ChaosChecks(l.bootstrapServers(), TOPICS).read();
            now.aggregates(devices);
            now.viewers(viewers);
            if (now.violations().isEmpty() || System.nanoTime() > deadline) {
                return new ChaosChecks(l.bootstrapServers(), TOPICS).read();
            }
            // Each check reads three topics from the beginning: not more often than this.
            Thread.sleep(2000);
        }
    }

    private static void putRule(ClusterLayout l, TokenIssuer issuer)
            throws IOException, InterruptedException {
        String admin = issuer.viewer("chaos-admin", List.of("*"), true, Duration.ofMinutes(10));
        String body =
                "{\"metric\":\"temperature\",\"op\":\">\",\"threshold\":80,\"clearThreshold\":75,"
                        + "\"severity\":\"major\",\"devices\":\"chaos-*\"}";
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> r =
                http.send(
                        rule(l.apiPort(), admin)
                                .header("Content-Type", "application/json")
                                .PUT(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IOException("PUT rule answered " + r.statusCode() + ": " + r.body());
        }
        // Every processor instance has the rule before the first reading.
        for (Member p : l.members(Member.Kind.PROCESSOR)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (http.send(rule(p.port(), admin).build(), HttpResponse.BodyHandlers.discarding())
                            .statusCode()
                    != 200) {
                if (System.nanoTime() > deadline) {
                    throw new IOException(p.name() + " does not have rule " + RULE);
                }
                // The rule reaches each instance's global store on its own; ask again soon.
                Thread.sleep(200);
            }
        }
    }

    private static HttpRequest.Builder rule(int port, String adminToken) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/rules/" + RULE))
                .header("Authorization", "Bearer " + adminToken);
    }
}

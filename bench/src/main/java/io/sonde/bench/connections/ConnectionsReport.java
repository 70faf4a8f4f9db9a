package io.sonde.bench.connections;

import io.sonde.bench.AbResult;
import io.sonde.bench.BenchReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** The results page sections of the connections scenario. */
final class ConnectionsReport {
    static final double KB = 1024;
    // The seed's Node ws server measured 6.5 KB per idle connection.
    static final double GOAL_KB = 6.5;
    static final double MUST_KB = 10;
    private static final int TOP_CLASSES = 12;

    private ConnectionsReport() {}

    static void write(
            BenchReport report,
            DescriptorBudget budget,
            SourceAddresses addresses,
            Duration idle,
            Duration dropBound,
            IngestGatewayJvm gateway,
            List<ConnectionsRound> rounds,
            List<OldObjects.Site> sites) {
        method(report, budget, addresses, idle, dropBound, gateway);
        results(report, rounds);
        goals(report, rounds, dropBound);
        growth(report, rounds.getLast());
        sites(report, sites);
        caveats(report);
    }

    static final String CAVEATS =
            """
            - The gateway's gauge `sonde_ingest_connections` is registered with \
            `MeterRegistry.gauge(name, supplier, fn)`; Micrometer holds that state object weakly and \
            the gateway keeps no other reference to the supplier lambda, so the gauge can read NaN \
            once a GC clears it (seen in an in-process check right after `System.gc()`). The bench \
            therefore counts sockets in `/proc/PID/fd` and live session objects in the class \
            histogram; the gauge column is informational. Fix (service side): a strong reference \
            (`Gauge.builder(...).strongReference(true)`) or keep the supplier in a field.
            - After the drop the gateway's sockets close at once (the TCP FIN is read), but the \
            `DeviceConnection`s stay live for up to about one ping interval (20 s) longer, \
            consistent with the heartbeat sweep releasing them when their ping fails, rather than \
            the listener's onClose/onError at the close: the release time is bounded by the ping \
            interval. No session was left after that in any round.
            - RSS per connection depends on heap sizing (`-Xms256m -Xmx1g`): live heap above the \
            committed size grows RSS; socket buffers are kernel memory and not in RSS.
            - Clients and gateway share the machine's 2 cores; the connection rate is not a goal here.
            """;

    private static void caveats(BenchReport report) {
        report.section("Caveats").text(CAVEATS.strip());
    }

    private static void sites(BenchReport report, List<OldObjects.Site> sites) {
        List<List<String>> rows = new ArrayList<>();
        for (OldObjects.Site s : sites) {
            rows.add(
                    List.of(
                            "`" + s.site() + "`",
                            String.valueOf(s.samples()),
                            String.format(Locale.ROOT, "%.1f%%", 100 * s.share())));
        }
        report.section("Where it was allocated (JFR jdk.OldObjectSample, gateway JVM)")
                .text(
                        "An extra, unmeasured round with `jcmd JFR.start settings=profile` in the"
                            + " gateway, dumped with `path-to-gc-roots=true` while the fleet was"
                            + " connected: live objects sampled at allocation, by type and first"
                            + " allocating frame outside the JDK.")
                .table(List.of("type <- allocated in", "live samples", "share"), rows);
    }

    private static void method(
            BenchReport report,
            DescriptorBudget budget,
            SourceAddresses addresses,
            Duration idle,
            Duration dropBound,
            IngestGatewayJvm gateway) {
        report.section("Method")
                .text(
                        "One ingest gateway in its own JVM (`IngestGatewayMain --config FILE`, JVM"
                                + " flags `"
                                + String.join(" ", gateway.jvm().jvmFlags())
                                + "`), on the bench's embedded broker, ping interval "
                                + IngestGatewayJvm.PING_INTERVAL.toSeconds()
                                + " s, idle timeout "
                                + IngestGatewayJvm.IDLE_TIMEOUT.toMinutes()
                                + " min (longer than the test: only the gateway's detection of"
                                + " dropped peers can bring the count to 0). Clients: the JDK"
                                + " WebSocket client (no extensions, so no compression), one device"
                                + " token each, sending nothing and answering pings, one HTTP"
                                + " client per source address.")
                .text(
                        "Each round: measure the gateway at 0 connections, open N connections,"
                                + " hold them idle "
                                + idle.toSeconds()
                                + " s, measure, drop every client at once (`WebSocket.abort()`:"
                                + " TCP close, no close frame), wait up to "
                                + dropBound.toSeconds()
                                + " s for the gateway to hold no client socket (`/proc/PID/fd`) and"
                                + " no live session object"
                                + " (`io.sonde.ingest.transport.DeviceConnection` and Helidon's"
                                + " `WsConnection` in `GC.class_histogram`, polled each second),"
                                + " which is the measurement at 0 after the round. The gateway's"
                                + " own gauge `sonde_ingest_connections` is reported but not used:"
                                + " it reads NaN after the first GC (see Caveats). A measurement is"
                                + " `jcmd GC.run`, `jcmd GC.heap_info` (heap used), `jcmd"
                                + " GC.class_histogram` (live bytes, after its own full GC) and"
                                + " VmRSS from `/proc/PID/status`. Per connection = (loaded - mean"
                                + " of the empty measurements before and after) / N. Baseline and"
                                + " load interleave: 0, N, 0, N, 0, N, 0 on the same gateway"
                                + " process, after a warm-up cycle of "
                                + Math.min(1000, budget.connections())
                                + " connections. 1 KB = 1024 bytes.")
                .text(
                        "Connections: "
                                + budget.connections()
                                + " per round ("
                                + budget.requested()
                                + " requested). "
                                + budget.describe()
                                + ". Ephemeral port range: "
                                + addresses.portRangeSize()
                                + " ports; each source address carries at most "
                                + addresses.perAddress()
                                + " connections (half the range: the previous round's sockets"
                                + " sit in TIME_WAIT), and each round takes a fresh block of"
                                + " addresses from 127.0.0.2 on.");
        if (budget.capped()) {
            report.text(
                    "**N is below the requested "
                            + budget.requested()
                            + "**: the hard open-files limit (RLIMIT_NOFILE) of this container is "
                            + budget.gatewayLimit()
                            + " and the bench runs without CAP_SYS_RESOURCE, so neither `ulimit -n`"
                            + " nor `bash -c 'ulimit -n 1048576; exec java ...'` can raise it; the"
                            + " gateway needs one descriptor per connection on top of the "
                            + budget.gatewayUsed()
                            + " it holds at rest, and so does the bench JVM. Run on a host with a"
                            + " higher `ulimit -Hn` to reach the full count.");
        }
    }

    private static void results(BenchReport report, List<ConnectionsRound> rounds) {
        List<List<String>> rows = new ArrayList<>();
        for (ConnectionsRound r : rounds) {
            rows.add(
                    List.of(
                            String.valueOf(r.round()),
                            r.connected() + (r.failed() > 0 ? " (" + r.failed() + " failed)" : ""),
                            String.valueOf(r.sourceAddresses()),
                            mib(r.before().liveBytes()),
                            mib(r.loaded().liveBytes()),
                            mib(r.after().liveBytes()),
                            kb(r.liveBytesPerConnection()),
                            kb(r.heapUsedPerConnection()),
                            kb(r.rssPerConnection()),
                            String.valueOf(r.gaugeLoaded()),
                            r.socketsClosed()
                                    .map(ConnectionsReport::seconds)
                                    .orElse("not within bound"),
                            r.sessionsReleased()
                                    .map(ConnectionsReport::seconds)
                                    .orElse("not within bound"),
                            String.valueOf(r.sessionsLeft()),
                            String.valueOf(r.closedByServer())));
        }
        rows.add(
                List.of(
                        "**median**",
                        "",
                        "",
                        "",
                        "",
                        "",
                        "**" + kb(median(rounds, ConnectionsRound::liveBytesPerConnection)) + "**",
                        kb(median(rounds, ConnectionsRound::heapUsedPerConnection)),
                        kb(median(rounds, ConnectionsRound::rssPerConnection)),
                        "",
                        seconds(
                                Duration.ofNanos(
                                        (long) median(rounds, r -> nanos(r.socketsClosed())))),
                        seconds(
                                Duration.ofNanos(
                                        (long) median(rounds, r -> nanos(r.sessionsReleased())))),
                        "",
                        ""));
        report.section("Results")
                .table(
                        List.of(
                                "round",
                                "connected",
                                "source addrs",
                                "live heap at 0 before (MiB)",
                                "live heap at N (MiB)",
                                "live heap at 0 after (MiB)",
                                "live heap / conn (KB)",
                                "heap used / conn (KB)",
                                "RSS / conn (KB)",
                                "gauge at N",
                                "drop -> 0 sockets",
                                "drop -> 0 sessions",
                                "sessions left",
                                "closed by gateway while idle"),
                        rows);
        rounds.stream()
                .filter(r -> !r.failures().isEmpty())
                .forEach(r ->
                        report.text("Round " + r.round() + " handshake failures: " + r.failures()));
    }

    private static void goals(BenchReport report, List<ConnectionsRound> rounds, Duration bound) {
        double kb = median(rounds, ConnectionsRound::liveBytesPerConnection) / KB;
        boolean noLeak =
                rounds.stream()
                        .allMatch(r -> r.sessionsReleased().isPresent() && r.sessionsLeft() == 0);
        long leaked = rounds.stream().mapToLong(ConnectionsRound::sessionsLeft).max().orElse(0);
        report.section("Goals")
                .goal("heap per idle connection <= 6.5 KB (goal)", fmt(kb) + " KB", kb <= GOAL_KB)
                .goal("heap per idle connection <= 10 KB (must)", fmt(kb) + " KB", kb <= MUST_KB)
                .goal(
                        "0 leaked sessions after an abrupt drop, within "
                                + bound.toSeconds()
                                + " s",
                        leaked + " left at worst",
                        noLeak);
        report.text("");
    }

    private static void growth(BenchReport report, ConnectionsRound r) {
        int n = Math.max(1, r.loaded().connections());
        List<List<String>> rows = new ArrayList<>();
        for (Footprint.Growth g : r.loaded().growthSince(r.before(), TOP_CLASSES)) {
            rows.add(
                    List.of(
                            "`" + g.className() + "`",
                            fmt(g.instances() / (double) n),
                            String.valueOf(Math.round(g.bytes() / (double) n))));
        }
        report.section(
                        "Where the heap per connection goes (class histogram, round "
                                + r.round()
                                + ")")
                .text("Growth from 0 to " + n + " connections, per connection:")
                .table(List.of("class", "instances / conn", "bytes / conn"), rows)
                .text(
                        "After the drop: "
                                + r.after().instances(ConnectionsRound.HELIDON_WS_CLASS)
                                + " Helidon `WsConnection`, "
                                + r.after().instances(ConnectionsRound.SESSION_CLASS)
                                + " `DeviceConnection` and "
                                + r.after().instances("io.sonde.ingest.transport.IngestEndpoint")
                                + " `IngestEndpoint` instances still live.");
    }

    private static double nanos(java.util.Optional<Duration> d) {
        return d.map(Duration::toNanos).orElse(Long.MAX_VALUE).doubleValue();
    }

    static double median(List<ConnectionsRound> rounds, ToDoubleFunction<ConnectionsRound> f) {
        return AbResult.median(rounds.stream().map(r -> f.applyAsDouble(r)).toList());
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / (KB * KB));
    }

    private static String kb(double bytes) {
        return fmt(bytes / KB);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toNanos() / 1e9);
    }
}

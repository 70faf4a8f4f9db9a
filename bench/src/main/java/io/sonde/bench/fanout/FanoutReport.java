package io.sonde.bench.fanout;

import io.sonde.bench.AbResult;
import io.sonde.bench.BenchReport;
import io.sonde.bench.FlightRecording;
import io.sonde.bench.connections.PushGatewayJvm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** The results page sections of the fanout scenario. */
final class FanoutReport {
    static final double GOAL_RATIO = 3.0;
    static final double MUST_RATIO = 1.5;
    static final double STALLED_RATIO = 0.9;

    private FanoutReport() {}

    /** JFR of the push gateway's JVM during an extra ramp with {@code subscribers}. */
    record Profile(
            String target,
            int subscribers,
            Path jfr,
            List<FlightRecording.HotFrame> top,
            List<FlightRecording.HotFrame> sonde) {}

    /** How the ramps ran, and against which Node. */
    record Run(Duration step, Duration p99Limit, String nodeVersion, String broker) {}

    static void write(
            BenchReport report,
            Run run,
            List<AbResult> results,
            List<AbResult> stalled,
            List<RateRamp.Result> ramps,
            List<Profile> profiles) {
        method(report, run);
        report.section("Results");
        for (AbResult r : results) {
            report.ab(r);
        }
        if (!stalled.isEmpty()) {
            report.section("Stalled subscribers")
                    .text(
                            "Each transport against itself with stalled subscribers added: they"
                                    + " stop reading once subscribed, so their socket buffers"
                                    + " fill, their session queues overflow and the gateway drops"
                                    + " them (4008 / `slow`); the others must not notice.");
            for (AbResult r : stalled) {
                report.ab(r);
            }
        }
        goals(report, results);
        for (AbResult r : stalled) {
            double ratio = r.oursOverBaseline();
            report.goal(
                    "stalled subscribers cost the others <= 10%, " + r.metric(),
                    BenchReport.ratio(ratio),
                    ratio >= STALLED_RATIO);
        }
        report.text("");
        best(report, ramps);
        steps(report, ramps);
        for (Profile p : profiles) {
            profile(report, p);
        }
        report.section("Caveats").text(CAVEATS.strip());
    }

    static final String CAVEATS =
            """
            - B's path is publisher -> Kafka (produce, acks=1) -> the gateway's fan-out consumer -> \
            hub -> WebSocket or SSE; A's is publisher -> WebSocket -> broadcast. B pays a broker round trip in \
            every latency sample; that is the architecture under test, not a bench artefact.
            - Everything shares 2 cores: the load generator (every subscriber on one Netty event loop), the \
            broker (in the bench JVM; with --kafka, the cluster's brokers in theirs) and the server under test. Bench CPU near 100-120% in the \
            step table means the clients and broker took more than a core; the knee found is the \
            knee of the whole machine, for both sides alike.
            - Steps are short (seconds), so p99 rests on a few thousand to a few hundred thousand \
            samples; a single GC pause or scheduler hiccup can fail a step. Rounds are interleaved \
            and the median is reported to damp this.
            - B over WebSocket is the like-for-like comparison (same WebSocket client code as A); \
            B over SSE reads an HTTP line stream, whose per-event cost in the bench \
            JVM differs.
            """;

    private static void method(BenchReport report, Run run) {
        Duration step = run.step();
        Duration p99Limit = run.p99Limit();
        String nodeVersion = run.nodeVersion();
        report.section("Method")
                .text(
                        "A: the seed's reference Node server (`bench/node-peer/server.js`, express"
                                + " + ws 8, Node "
                                + nodeVersion
                                + "): its `message` handler sends each message to every client"
                                + " whose readyState is OPEN; the publisher is one more WebSocket"
                                + " client. B: the push gateway in its own JVM (`PushGatewayMain`,"
                                + " flags `"
                                + String.join(" ", PushGatewayJvm.JVM_FLAGS)
                                + "`) on "
                                + run.broker()
                                + " (1 partition); the publisher"
                                + " produces `TelemetryRecord`s for one device to the telemetry"
                                + " topic (acks=1, linger 0), subscribers follow `telemetry:DEVICE`"
                                + " with `snapshot=false`, over WebSocket (`/v1/ws`, a `subscribe`"
                                + " op) or SSE (`/v1/events`). So B's latency includes a Kafka"
                                + " produce and fetch, A's does not.")
                .text(
                        "The same Java code receives both (`StreamClients`, one Netty event loop:"
                                + " WebSocket for A and B-ws, SSE line stream for B-sse; no"
                                + " compression), in the bench JVM. Each"
                                + " message carries its intended send time from an open-loop"
                                + " schedule; latency = receive time - intended send time, recorded"
                                + " per step in HdrHistogram (coordinated-omission free). A ramp:"
                                + " fresh subscribers, a 2 s warm-up step, then steps of "
                                + step.toSeconds()
                                + " s with the publish rate x2 while p99 < 1/4 of the bound, else"
                                + " x1.4, until a step fails, then steps half way between the"
                                + " highest pass and the lowest failure until they are within 5%. A"
                                + " step passes when the publisher made at least 90% of its"
                                + " scheduled sends, p99 <= "
                                + p99Limit.toMillis()
                                + " ms, every subscriber got every message (drain up to 10x the"
                                + " bound), none was dropped and no publish failed. Result of a"
                                + " ramp = deliveries/s (messages/s x subscribers, as received) of"
                                + " its best passing step. Before the first measured ramps at each"
                                + " subscriber count, each server runs one ramp that is not"
                                + " counted (warm-up). Ramps alternate A, B, A, B... per"
                                + " subscriber count; the medians and ratio B/A are below. The"
                                + " load generator, the broker and both servers share the machine's"
                                + " cores.");
    }

    private static void goals(BenchReport report, List<AbResult> results) {
        report.section("Goals");
        for (AbResult r : results) {
            double ratio = r.oursOverBaseline();
            report.goal(
                            "fan-out >= 3x the Node peer (goal), " + r.metric(),
                            BenchReport.ratio(ratio),
                            ratio >= GOAL_RATIO)
                    .goal(
                            "fan-out >= 1.5x the Node peer (must), " + r.metric(),
                            BenchReport.ratio(ratio),
                            ratio >= MUST_RATIO);
        }
    }

    // The latency of each side's best step in its median round, with its .hgrm file.
    private static void best(BenchReport report, List<RateRamp.Result> ramps) {
        List<String> labels = new ArrayList<>();
        List<io.sonde.bench.Percentiles> values = new ArrayList<>();
        List<String> keys =
                ramps.stream().map(r -> r.target() + "|" + r.subscribers()).distinct().toList();
        for (String key : keys) {
            List<RateRamp.Result> same =
                    ramps.stream()
                            .filter(r -> (r.target() + "|" + r.subscribers()).equals(key))
                            .sorted(
                                    Comparator.comparingDouble(
                                            RateRamp.Result::bestDeliveriesPerSecond))
                            .toList();
            RateRamp.Result median = same.get(same.size() / 2);
            median.best()
                    .ifPresent(b -> {
                        String label =
                                median.target().replaceAll("[^a-z0-9]+", "-").replaceAll("-$", "")
                                        + "-"
                                        + median.subscribers();
                        report.hgrm(label, b.recorder());
                        labels.add(
                                String.format(
                                        Locale.ROOT,
                                        "%s x%d @ %.0f deliveries/s (%s.hgrm)",
                                        median.target(),
                                        median.subscribers(),
                                        b.deliveriesPerSecond(),
                                        report.scenario() + "-" + label));
                        values.add(b.latency());
                    });
        }
        report.section("Latency at the best step (median round)").latencies(labels, values);
    }

    private static void steps(BenchReport report, List<RateRamp.Result> ramps) {
        List<List<String>> rows = new ArrayList<>();
        for (RateRamp.Result r : ramps) {
            for (RateRamp.Step s : r.steps()) {
                rows.add(
                        List.of(
                                r.target(),
                                String.valueOf(r.subscribers()),
                                String.format(Locale.ROOT, "%.0f", s.rate()),
                                String.format(Locale.ROOT, "%.0f", s.deliveriesPerSecond()),
                                String.format(Locale.ROOT, "%.1f", s.latency().p50() / 1000.0),
                                String.format(Locale.ROOT, "%.1f", s.latency().p99() / 1000.0),
                                String.format(Locale.ROOT, "%.0f%%", 100 * s.serverCpu()),
                                String.format(Locale.ROOT, "%.0f%%", 100 * s.clientCpu()),
                                s.failure().map(f -> "fail: " + f).orElse("pass")));
            }
        }
        report.section("Every ramp step, in run order")
                .text(
                        "Server CPU = the server process's CPU time / step time (100% = one core;"
                                + " Node runs JavaScript on one thread). Bench CPU = the bench JVM"
                                + " (clients, publisher, broker).")
                .table(
                        List.of(
                                "server",
                                "subscribers",
                                "msg/s",
                                "deliveries/s",
                                "p50 ms",
                                "p99 ms",
                                "server CPU",
                                "bench CPU",
                                "outcome"),
                        rows);
    }

    private static void profile(BenchReport report, Profile p) {
        report.section(
                        "Profile of the push gateway JVM near its knee, "
                                + p.target()
                                + ", "
                                + p.subscribers()
                                + " subscribers (JFR)")
                .text("Recording: `" + p.jfr() + "`. Top of stack (jdk.ExecutionSample):")
                .table(List.of("frame", "samples", "share"), rows(p.top()))
                .text("Sonde code on the stack:")
                .table(List.of("frame", "samples", "share"), rows(p.sonde()));
    }

    private static List<List<String>> rows(List<FlightRecording.HotFrame> frames) {
        return frames.stream()
                .map(f ->
                        List.of(
                                "`" + f.frame() + "`",
                                String.valueOf(f.samples()),
                                String.format(Locale.ROOT, "%.1f%%", 100 * f.share())))
                .toList();
    }
}

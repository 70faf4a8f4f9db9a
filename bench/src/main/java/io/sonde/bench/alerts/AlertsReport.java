package io.sonde.bench.alerts;

import io.sonde.bench.AbResult;
import io.sonde.bench.BenchReport;
import io.sonde.bench.KafkaTools;
import io.sonde.bench.LatencyRecorder;
import io.sonde.bench.OpenLoop;
import io.sonde.bench.Percentiles;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Writes the alerts results page. */
final class AlertsReport {
    private static final double GOAL_P99_MS = 250;
    private static final double GOAL_LAG_SECONDS = 1;

    private AlertsReport() {}

    /** What each measured slice recorded. Used on the bench's main thread only. */
    static final class Rounds {
        private final List<LatencyRecorder> raises = new ArrayList<>();
        private final List<LatencyRecorder> clears = new ArrayList<>();
        private final List<LatencyRecorder> processed = new ArrayList<>();
        private final List<LatencyRecorder> atClient = new ArrayList<>();
        private long sseRaised;
        private final List<Long> maxLag = new ArrayList<>();
        private final List<OpenLoop.Stats> sent = new ArrayList<>();

        void add(
                LatencyRecorder raise,
                LatencyRecorder clear,
                LatencyRecorder handled,
                LatencyRecorder sse,
                long lag,
                OpenLoop.Stats stats) {
            raises.add(raise);
            clears.add(clear);
            processed.add(handled);
            atClient.add(sse);
            maxLag.add(lag);
            sent.add(stats);
        }

        LatencyRecorder all(List<LatencyRecorder> of) {
            LatencyRecorder all = new LatencyRecorder();
            of.forEach(all::add);
            return all;
        }

        /** Raises the SSE subscriber received in all, warm-up included. */
        void sseRaised(long count) {
            sseRaised = count;
        }

        long worstLag() {
            return maxLag.stream().mapToLong(Long::longValue).max().orElse(0);
        }
    }

    record Numbers(
            String method,
            double rate,
            AbResult result,
            List<KafkaTools.EndToEndResult> baselines,
            Rounds rounds,
            AlertLoad load,
            AlertWatch watch) {}

    static void write(BenchReport report, Numbers n) {
        Rounds r = n.rounds();
        Percentiles raises = r.all(r.raises).percentiles();
        Percentiles clears = r.all(r.clears).percentiles();
        double lagSeconds = r.worstLag() / n.rate();
        report.section("Goals");
        report.goal(
                "reading -> alert raised, readable (read_committed): p99 <= "
                        + (int) GOAL_P99_MS
                        + " ms at "
                        + BenchReport.number(n.rate())
                        + " readings/s",
                String.format(Locale.ROOT, "%.1f ms (all rounds merged)", raises.p99Millis()),
                raises.p99Millis() <= GOAL_P99_MS);
        report.goal(
                "reading -> alert cleared, readable: p99 <= " + (int) GOAL_P99_MS + " ms",
                String.format(Locale.ROOT, "%.1f ms", clears.p99Millis()),
                clears.p99Millis() <= GOAL_P99_MS);
        report.goal(
                "stream processor consumer lag < " + (int) GOAL_LAG_SECONDS + " s at that load",
                String.format(
                        Locale.ROOT,
                        "at most %,d readings = %.2f s (sampled every %d ms)",
                        r.worstLag(),
                        lagSeconds,
                        ProcessorLag.EVERY.toMillis()),
                lagSeconds < GOAL_LAG_SECONDS);
        Percentiles atClient = r.all(r.atClient).percentiles();
        report.goal(
                "reading -> alert event at an SSE client: p99 <= " + (int) GOAL_P99_MS + " ms",
                String.format(Locale.ROOT, "%.1f ms (all rounds merged)", atClient.p99Millis()),
                atClient.p99Millis() <= GOAL_P99_MS);
        report.section("Method");
        report.text(n.method());
        report.text(
                "Everything in the bench JVM: embedded broker (RF 1), the stream processor"
                        + " (exactly_once_v2, commit interval 100 ms), the push gateway, the load's"
                        + " producer, the alert consumer and one SSE subscriber of the `alerts`"
                        + " channel (`snapshot=false`). Latency = the consumer's (or the SSE"
                        + " client's) receipt of the alert record"
                        + " (`read_committed`, so only once the processor's transaction committed)"
                        + " minus the intended send time of the reading that raised or cleared it"
                        + " (its event time, in ms), in microseconds.");
        report.section("p99 of raises, A/B");
        report.ab(n.result());
        report.endToEnd(n.baselines());
        latencies(report, n, raises, clears);
    }

    private static void latencies(
            BenchReport report, Numbers n, Percentiles raises, Percentiles clears) {
        Rounds r = n.rounds();
        report.section("Reading -> alert latency");
        List<String> labels = new ArrayList<>();
        List<Percentiles> values = new ArrayList<>();
        for (int i = 0; i < r.raises.size(); i++) {
            labels.add("raise, round " + (i + 1));
            values.add(r.raises.get(i).percentiles());
            labels.add("clear, round " + (i + 1));
            values.add(r.clears.get(i).percentiles());
        }
        labels.add("raise, all rounds");
        values.add(raises);
        labels.add("clear, all rounds");
        values.add(clears);
        labels.add("raise: reading -> processed (alert record timestamp), all rounds");
        values.add(r.all(r.processed).percentiles());
        labels.add("raise: reading -> SSE event at the subscriber, all rounds");
        values.add(r.all(r.atClient).percentiles());
        report.latencies(labels, values);
        report.hgrm("raise", r.all(r.raises));
        report.hgrm("clear", r.all(r.clears));
        List<List<String>> sent = new ArrayList<>();
        for (int i = 0; i < r.sent.size(); i++) {
            OpenLoop.Stats s = r.sent.get(i);
            sent.add(
                    List.of(
                            Integer.toString(i + 1),
                            BenchReport.number(s.ratePerSecond()),
                            String.format(Locale.ROOT, "%.1f ms", s.maxLagNanos() / 1e6),
                            String.format(Locale.ROOT, "%,d", r.maxLag.get(i))));
        }
        report.table(
                List.of("round", "readings/s sent", "sender's worst lag", "processor lag (max)"),
                sent);
        report.text(
                "Exactly once: "
                        + n.load().hotReadings()
                        + " hot readings sent (warm-up included), "
                        + n.watch().raised()
                        + " raises and "
                        + n.watch().cleared()
                        + " clears read (a device's last episode may still be open); the SSE"
                        + " subscriber received "
                        + r.sseRaised
                        + " raises.");
        report.section("Caveats");
        report.text(
                "- The floor under these numbers is the commit interval: a `read_committed`"
                        + " consumer sees an alert only once the processor's transaction commits"
                        + " (every 100 ms), so half an interval is added on average.\n"
                        + "- EndToEndLatency is a closed loop of one record at a time on an idle"
                        + " broker, acks=all, no transactions; it prints whole milliseconds.\n"
                        + "- Single broker, RF 1; load, processor and broker share 2 cores.");
    }
}

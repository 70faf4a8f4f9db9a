package io.sonde.bench.ingest;

import io.sonde.bench.AbResult;
import io.sonde.bench.BenchReport;
import io.sonde.bench.KafkaTools;
import io.sonde.bench.LatencyRecorder;
import io.sonde.bench.Percentiles;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Writes the ingest results page: method, peak A/B, goals, ack latency, count checks, caveats. */
final class IngestReport {
    private static final double GOAL_RATIO = 0.8;
    private static final double MUST_RATIO = 0.6;
    private static final double GOAL_P99_MS = 50;
    private static final double TRACING_RATIO = 0.95;

    private IngestReport() {}

    record Numbers(
            IngestScenario scenario,
            int recordSize,
            RecordSample sample,
            AbResult peak,
            List<KafkaTools.ProducerResult> baselines,
            double pacedRate,
            LatencyRecorder acks,
            List<IngestLoad.Check> checks,
            KafkaTools.ProducerResult reference,
            Map<String, Long> rejections,
            long closedDevices) {}

    /** The tracing section: peak with spans exported over OTLP vs none exported. */
    static void tracing(BenchReport report, AbResult ab, long exports, long bytes) {
        report.section("Tracing on vs off");
        report.goal(
                "the traced gateway's spans reach the collector",
                exports + " export requests, " + bytes + " bytes",
                exports > 0 && bytes > 0);
        report.goal(
                "tracing on (OTLP export) >= " + TRACING_RATIO + "x tracing off",
                BenchReport.ratio(ab.oursOverBaseline()),
                ab.oursOverBaseline() >= TRACING_RATIO);
        report.ab(ab);
        report.text(
                "Off: the gateway as deployed by default, a span per batch with real ids (the"
                        + " trace context every record carries) and nothing exported. On: a second"
                        + " gateway configured by otel.traces.exporter=otlp (http/protobuf), its"
                        + " batch span processor exporting to a loopback sink that reads and"
                        + " discards: "
                        + exports
                        + " export requests, "
                        + bytes
                        + " bytes. Same devices, same broker, rounds interleaved.");
    }

    static void write(BenchReport report, Numbers n) {
        Percentiles p = n.acks().percentiles();
        report.section("Goals");
        report.goal(
                "ingest >= " + GOAL_RATIO + "x ProducerPerformance (must " + MUST_RATIO + "x)",
                BenchReport.ratio(n.peak().oursOverBaseline())
                        + (n.peak().oursOverBaseline() >= MUST_RATIO
                                ? " (must met)"
                                : " (must missed)"),
                n.peak().oursOverBaseline() >= GOAL_RATIO);
        report.goal(
                "ack p99 <= "
                        + (int) GOAL_P99_MS
                        + " ms at "
                        + Math.round(n.scenario().loadShare() * 100)
                        + "% of peak",
                String.format(java.util.Locale.ROOT, "%.1f ms", p.p99Millis()),
                p.p99Millis() <= GOAL_P99_MS);
        boolean consistent = n.checks().stream().allMatch(IngestLoad.Check::consistent);
        report.goal(
                "records in Kafka = readings acked (every phase)",
                consistent ? "equal" : "differ",
                consistent);
        report.section("Method");
        report.text(n.scenario().describe());
        report.text(
                (n.scenario().onCluster()
                                ? "The cluster's brokers in their own JVMs, its services idle"
                                        + " beside them, and one more ingest gateway, the one"
                                        + " measured, in the bench JVM, on topics of its own."
                                : "One embedded broker (RF 1) and one ingest gateway in the bench"
                                        + " JVM; no stream processor or push gateway running.")
                        + " Baseline:"
                        + " `org.apache.kafka.tools.ProducerPerformance` in a child JVM on the same"
                        + (n.scenario().onCluster() ? " cluster" : " broker")
                        + ", topic with the same partitions, `--record-size "
                        + n.recordSize()
                        + "` (the serialized TelemetryRecord of a typical reading: 5 metrics,"
                        + " 2 attributes), producer settings as the gateway's: `"
                        + n.scenario().producerSettings()
                        + "`. Ours: readings acknowledged per second (an ack means durable with"
                        + " acks=all), measured from acks arriving within the round's window.");
        report.text(
                "Record actually written by the gateway (first record of partition 0): key "
                        + n.sample().keyBytes()
                        + " B, value "
                        + n.sample().valueBytes()
                        + " B, headers "
                        + n.sample().headers()
                        + " "
                        + n.sample().headerBytes()
                        + " B. ProducerPerformance"
                        + " sends a "
                        + n.recordSize()
                        + " B value of random letters and no key.");
        report.section("Peak throughput");
        report.ab(n.peak());
        report.text(
                "ProducerPerformance's own latency at full speed (ms, p50/p99): "
                        + n.baselines().stream().map(b -> b.p50Ms() + "/" + b.p99Ms()).toList());
        report.section(
                "Ack latency at " + Math.round(n.scenario().loadShare() * 100) + "% of peak");
        report.text(
                "Open loop at "
                        + BenchReport.number(n.pacedRate())
                        + " readings/s, latency from each"
                        + " batch's intended send time to its ack (coordinated-omission free).");
        report.latencies(List.of("ingest ack"), List.of(p));
        report.hgrm("ack-latency", n.acks());
        report.text(
                "Reference, not a goal: ProducerPerformance throttled to "
                        + Math.round(n.scenario().loadShare() * 100)
                        + "% of its median peak: "
                        + BenchReport.number(n.reference().recordsPerSecond())
                        + " records/s, send->ack p50 "
                        + n.reference().p50Ms()
                        + " ms, p99 "
                        + n.reference().p99Ms()
                        + " ms, p99.9 "
                        + n.reference().p999Ms()
                        + " ms.");
        report.section("Records in Kafka = readings acked");
        report.table(
                List.of(
                        "phase",
                        "readings acked",
                        "records written",
                        "rejected batches",
                        "unanswered",
                        "devices still sending",
                        "equal"),
                checkRows(n.checks()));
        report.text(
                "Rejections by code: "
                        + n.rejections()
                        + "; devices whose connection closed: "
                        + n.closedDevices()
                        + ".");
        report.section("Caveats");
        report.text(
                (n.scenario().onCluster()
                                ? "- Both sides pay the replication to "
                                        + n.scenario().replicationFactor()
                                        + " replicas (acks=all waits for the cluster's"
                                        + " min.insync.replicas), and the brokers share the"
                                        + " machine's cores with the load.\n"
                                : "- A single broker with RF 1 makes acks=all as cheap as acks=1;"
                                        + " on a 3-broker cluster both sides pay the replication"
                                        + " round trip.\n"
                                        + "- Everything shares 2 cores: the device clients, the"
                                        + " gateway and the broker run in the bench JVM during our"
                                        + " rounds; ProducerPerformance (generation and producer)"
                                        + " runs in its own JVM next to the same broker.\n")
                        + "- Ours carries a key (device id) and a traceparent header per record;"
                        + " the baseline none. Ours pays WebSocket framing, protobuf decoding,"
                        + " validation, rate limiting and the per-batch ack; that is the product"
                        + " being measured.\n"
                        + "- The gateway limits each device to 1,000 readings/s (burst 5,000) by"
                        + " default; a benchmark device stops after its first rejection (it does"
                        + " not resend), so the fleet is sized to keep each device well under the"
                        + " limit at peak; the table above shows how many devices were still"
                        + " sending after each phase.");
    }

    private static List<List<String>> checkRows(List<IngestLoad.Check> checks) {
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < checks.size(); i++) {
            IngestLoad.Check c = checks.get(i);
            rows.add(
                    List.of(
                            i < checks.size() - 1 ? "peak round " + (i + 1) : "paced",
                            Long.toString(c.ackedReadings()),
                            Long.toString(c.recordsWritten()),
                            Long.toString(c.rejectedBatches()),
                            Integer.toString(c.unansweredBatches()),
                            Long.toString(c.sendingDevices()),
                            c.consistent() ? "yes" : "**no**"));
        }
        return rows;
    }
}

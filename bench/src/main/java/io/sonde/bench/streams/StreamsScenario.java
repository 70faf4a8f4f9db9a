package io.sonde.bench.streams;

import io.sonde.bench.AbResult;
import io.sonde.bench.AbRunner;
import io.sonde.bench.BenchOptions;
import io.sonde.bench.BenchReport;
import io.sonde.bench.KafkaTools;
import io.sonde.bench.Scenario;
import io.sonde.stack.LocalStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Issue 3, scenario 5: readings/s processed by the stream processor (a fresh application id over a
 * pre-filled telemetry topic) vs Kafka's ConsumerPerformance reading the same topic, interleaved.
 */
@Command(
        name = "streams",
        mixinStandardHelpOptions = true,
        description = "Stream processor readings/s vs ConsumerPerformance on the same topic.")
public final class StreamsScenario implements Scenario {
    private static final double GOAL_RATIO = 0.5;

    @Mixin BenchOptions bench;

    @Option(names = "--records", defaultValue = "600000", description = "Readings pre-filled.")
    long records;

    @Option(
            names = "--devices",
            defaultValue = "1000",
            description = "Devices the readings belong to.")
    int devices;

    @Option(names = "--partitions", defaultValue = "6", description = "Partitions of the topics.")
    int partitions;

    @Option(names = "--timeout", defaultValue = "10m", description = "Longest one run may take.")
    Duration timeout;

    @Override
    public BenchOptions options() {
        return bench;
    }

    @Override
    public void run(BenchReport report) throws Exception {
        if (bench.quick()) {
            records = Math.min(records, 100_000);
        }
        try (LocalStack stack = bench.startStack("streams", partitions)) {
            String topic = stack.kafka().topics().telemetry().name();
            long written = Prefill.write(stack, records, devices);
            // A processor runs for days on compiled code; the first pass over the topic in this
            // JVM (which also hosts the broker) runs while C2 is still compiling. One unmeasured
            // pass first, reported, so the rounds measure the processor rather than the JIT.
            StreamsRun warmUp = StreamsRun.time(stack, "bench-streams-warm-up", written, timeout);
            List<KafkaTools.ConsumerResult> baselines = new ArrayList<>();
            List<StreamsRun> runs = new ArrayList<>();
            AbResult result =
                    AbRunner.interleave(
                            "readings/s after start-up",
                            bench.rounds(),
                            "ConsumerPerformance",
                            round -> {
                                KafkaTools.ConsumerResult r =
                                        KafkaTools.consumerPerformance(
                                                stack.bootstrapServers(),
                                                topic,
                                                written,
                                                "bench-consumer-perf-" + round,
                                                timeout);
                                baselines.add(r);
                                return r.fetchRecordsPerSecond();
                            },
                            "stream-processor",
                            round -> {
                                StreamsRun r =
                                        StreamsRun.time(
                                                stack, "bench-streams-" + round, written, timeout);
                                runs.add(r);
                                return r.processingRate();
                            });
            // Once, after the interleaved rounds: the JVM is as warm as for the last round.
            double floor =
                    StreamsFloor.rate(
                            stack,
                            "bench-streams-floor",
                            bench.freshDir("streams-floor"),
                            written,
                            warmUp.threads(),
                            timeout);
            write(report, written, result, baselines, runs, floor, warmUp);
        }
    }

    private static String threads(int n) {
        return n == 1 ? "1 stream thread" : n + " stream threads";
    }

    private void write(
            BenchReport report,
            long written,
            AbResult result,
            List<KafkaTools.ConsumerResult> baselines,
            List<StreamsRun> runs,
            double floor,
            StreamsRun warmUp) {
        report.section("Goals");
        report.goal(
                "Streams >= " + GOAL_RATIO + "x ConsumerPerformance",
                BenchReport.ratio(result.oursOverBaseline()),
                result.oursOverBaseline() >= GOAL_RATIO);
        report.section("Method");
        report.text(
                "One embedded broker (RF 1), topic `sonde.telemetry` with "
                        + partitions
                        + " partitions pre-filled with "
                        + written
                        + " TelemetryRecords of "
                        + devices
                        + " devices (one reading per device per second of event time, ending now),"
                        + " written with the ingest gateway's producer settings. Per round, A:"
                        + " `org.apache.kafka.tools.ConsumerPerformance --num-records "
                        + written
                        + "` in a child JVM with a new group; B: the stream processor (the full"
                        + " topology: dedup, device state, 10 s and 1 min windows, alert rules;"
                        + " exactly_once_v2, "
                        + threads(warmUp.threads())
                        + ", commit interval 100 ms) started in"
                        + " the bench JVM with a new application id and state directory, timed"
                        + " until its committed offsets on the telemetry topic cover every record"
                        + " (polled every 50 ms). Both numbers exclude start-up:"
                        + " ConsumerPerformance's fetch.nMsg.sec excludes its group join, ours"
                        + " counts from the Streams RUNNING state.");
        report.section("Readings/s");
        report.ab(result);
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < Math.min(baselines.size(), runs.size()); i++) {
            KafkaTools.ConsumerResult b = baselines.get(i);
            StreamsRun r = runs.get(i);
            rows.add(
                    List.of(
                            Integer.toString(i + 1),
                            BenchReport.number(b.recordsPerSecond()),
                            b.rebalanceMs() + " ms",
                            BenchReport.number(r.totalRate()),
                            (r.runningNanos() - r.startNanos()) / 1_000_000 + " ms",
                            String.format("%.2f", r.writtenPerRead()),
                            String.format("%.2f us", r.threadCpuMicrosPerReading()),
                            String.format("%.0f%%", 100 * r.threadCpuShare())));
        }
        report.text(
                "Streams floor (exactly_once_v2, "
                        + threads(warmUp.threads())
                        + " as the processor, one cached store write per reading, no decoding, no"
                        + " outputs), once after the rounds: "
                        + BenchReport.number(floor)
                        + " readings/s = "
                        + BenchReport.ratio(floor / result.baselineMedian())
                        + " of ConsumerPerformance; the stream processor reaches "
                        + BenchReport.ratio(result.oursMedian() / floor)
                        + " of the floor.");
        report.text(
                "Warm-up, before the rounds and not counted: one stream-processor pass over the"
                        + " same topic at "
                        + BenchReport.number(warmUp.processingRate())
                        + " readings/s (the JIT compiling the processor's code in the bench JVM).");
        report.text(
                "Per round: rates including start-up (whole run); the stream threads' CPU time"
                        + " from RUNNING to done (ThreadMXBean: the processor runs in the bench"
                        + " JVM), which resolves changes in the work per reading that the"
                        + " readings/s ratio, swinging with the machine, cannot:");
        report.table(
                List.of(
                        "round",
                        "ConsumerPerformance nMsg.sec",
                        "its group join",
                        "stream-processor readings/s from start()",
                        "its start to RUNNING",
                        "records written per reading read",
                        "stream-thread CPU per reading",
                        "stream threads on CPU (after RUNNING)"),
                rows);
        report.section("Caveats");
        report.text(
                "- The stream processor does real work per reading (decoding, dedup, windows,"
                    + " device state and alert rules, its device's record rewritten in a cached"
                    + " store, finals and updates written, all in Kafka transactions);"
                    + " ConsumerPerformance only fetches and counts. The floor row separates the"
                    + " price of the guarantee from the price of our work.\n"
                    + "- One unmeasured warm-up pass runs before the rounds (the broker and Streams"
                    + " share the JVM, and C2 compiled for seconds into the first pass);"
                    + " ConsumerPerformance starts a fresh JVM per round and is not warmed.\n"
                    + "- The broker and the stream processor share the bench JVM and 2 cores;"
                    + " ConsumerPerformance runs in its own JVM.");
    }
}

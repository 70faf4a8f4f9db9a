package io.sonde.bench.latency;

import io.sonde.bench.AbResult;
import io.sonde.bench.AbRunner;
import io.sonde.bench.BenchOptions;
import io.sonde.bench.BenchReport;
import io.sonde.bench.KafkaTools;
import io.sonde.bench.LatencyRecorder;
import io.sonde.bench.Scenario;
import io.sonde.bench.TopicAdmin;
import io.sonde.bench.load.TypicalReading;
import io.sonde.platform.service.Service;
import io.sonde.stack.LocalStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Issue 3, scenario 4: device send to dashboard receive at 10,000 readings/s (2,000 devices x 5/s,
 * 50 SSE dashboards following 20 devices each), against Kafka's EndToEndLatency p99 in the same
 * run: A (EndToEndLatency, our load paused) and B (a slice of our measured time) interleaved.
 */
@Command(
        name = "latency",
        mixinStandardHelpOptions = true,
        description = "Device -> dashboard latency at 10k readings/s vs EndToEndLatency p99.")
public final class LatencyScenario implements Scenario {
    private static final String BASELINE_TOPIC = "bench.end-to-end";

    @Mixin BenchOptions bench;

    @Option(names = "--devices", defaultValue = "2000", description = "Device connections.")
    int devices;

    @Option(names = "--rate", defaultValue = "5", description = "Readings/s per device.")
    double rate;

    @Option(names = "--dashboards", defaultValue = "50", description = "SSE dashboards.")
    int dashboards;

    @Option(
            names = "--follow",
            defaultValue = "20",
            description = "Devices each dashboard follows.")
    int follow;

    @Option(
            names = "--warmup",
            defaultValue = "60s",
            description = "Load before measuring (--quick: 10s).")
    Duration warmup;

    @Option(
            names = "--duration",
            defaultValue = "10m",
            description = "Measured time, split over the rounds (--quick: 1m).")
    Duration duration;

    @Option(
            names = "--baseline-records",
            defaultValue = "5000",
            description = "EndToEndLatency records per round.")
    long baselineRecords;

    @Option(names = "--partitions", defaultValue = "6", description = "Partitions of the topics.")
    int partitions;

    @Option(
            names = "--source-addresses",
            defaultValue = "1",
            description = "Client addresses 127.0.0.1..N.")
    int sourceAddresses;

    @Override
    public BenchOptions options() {
        return bench;
    }

    @Override
    public void run(BenchReport report) throws Exception {
        if (bench.quick()) {
            warmup = Duration.ofSeconds(10);
            duration = Duration.ofMinutes(1);
        }
        int recordSize = TypicalReading.record("bench-123", 123_456).getSerializedSize();
        try (LocalStack stack = bench.startStack("latency", partitions);
                Service streams = stack.startStreamProcessor();
                Service ingest = stack.startIngestGateway();
                Service push = stack.startPushGateway();
                LatencyLoad load =
                        new LatencyLoad(stack, ingest.port(), devices, sourceAddresses)) {
            load.openDashboards(stack, push.port(), dashboards, follow);
            TopicAdmin.create(stack.kafka(), BASELINE_TOPIC);
            double perSecond = devices * rate;
            load.send(perSecond, warmup, null);
            LatencyRecorder all = new LatencyRecorder();
            List<LatencyRecorder> rounds = new ArrayList<>();
            List<KafkaTools.EndToEndResult> baselines = new ArrayList<>();
            Duration slice = duration.dividedBy(bench.rounds());
            AbResult result =
                    AbRunner.interleave(
                            "p99 latency (ms)",
                            bench.rounds(),
                            "EndToEndLatency",
                            KafkaTools.endToEndP99(
                                    stack.bootstrapServers(),
                                    BASELINE_TOPIC,
                                    baselineRecords,
                                    recordSize,
                                    baselines),
                            "device->dashboard",
                            round -> {
                                LatencyRecorder r = new LatencyRecorder();
                                load.send(perSecond, slice, r);
                                rounds.add(r);
                                return r.percentiles().p99Millis();
                            });
            for (LatencyRecorder r : rounds) {
                all.add(r);
            }
            LatencyReport.write(
                    report,
                    new LatencyReport.Numbers(
                            this, recordSize, perSecond, load, result, baselines, rounds, all));
        }
    }

    String describe() {
        return devices
                + " device WebSockets x "
                + BenchReport.number(rate)
                + " readings/s = "
                + BenchReport.number(devices * rate)
                + " readings/s (one reading per batch, open loop),"
                + " "
                + dashboards
                + " SSE dashboards following "
                + follow
                + " devices each"
                + " (channels telemetry:DEVICE, snapshot=false); warm-up "
                + warmup.toSeconds()
                + " s, then "
                + duration.toSeconds()
                + " s measured in "
                + bench.rounds()
                + " slices, each after an EndToEndLatency run of "
                + baselineRecords
                + " records (acks=all) on the same broker with our load paused; "
                + partitions
                + " partitions.";
    }
}

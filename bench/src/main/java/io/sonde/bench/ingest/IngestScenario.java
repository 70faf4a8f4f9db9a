package io.sonde.bench.ingest;

import io.sonde.bench.AbResult;
import io.sonde.bench.AbRunner;
import io.sonde.bench.BenchOptions;
import io.sonde.bench.BenchReport;
import io.sonde.bench.KafkaTools;
import io.sonde.bench.LatencyRecorder;
import io.sonde.bench.OnCluster;
import io.sonde.bench.Scenario;
import io.sonde.bench.TopicAdmin;
import io.sonde.bench.load.TypicalReading;
import io.sonde.ingest.kafka.IngestProducer;
import io.sonde.platform.kafka.KafkaConfig;
import io.sonde.platform.service.Service;
import io.sonde.stack.LocalStack;
import io.sonde.stack.StackConfig;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Issue 3, scenario 1: readings/s through the ingest gateway with acks=all against Kafka's
 * ProducerPerformance on the same broker (same partitions, same record size, the gateway's producer
 * settings), interleaved; then ack latency at 80% of our peak; and records in Kafka = readings
 * acked for every phase.
 */
@Command(
        name = "ingest",
        mixinStandardHelpOptions = true,
        description =
                "Ingest gateway readings/s (acks=all) vs ProducerPerformance; ack latency at 80%%.")
public final class IngestScenario implements Scenario {
    private static final String BASELINE_TOPIC = "producer-perf";
    // The gateway's own producer settings, so both sides batch alike.
    private static final Map<String, String> GATEWAY_PRODUCER = gatewayProducer();

    @Mixin BenchOptions bench;

    @Mixin OnCluster cluster;

    @Option(names = "--devices", defaultValue = "400", description = "Device connections.")
    int devices;

    @Option(names = "--batch", defaultValue = "50", description = "Readings per batch.")
    int batch;

    @Option(
            names = "--window",
            defaultValue = "4",
            description = "Batches in flight per device at peak.")
    int window;

    @Option(
            names = "--duration",
            defaultValue = "20s",
            description = "Measured time of one peak round.")
    Duration duration;

    @Option(
            names = "--warmup",
            defaultValue = "15s",
            description = "Unmeasured load before round 1.")
    Duration warmup;

    @Option(
            names = "--baseline-records",
            defaultValue = "4000000",
            description = "ProducerPerformance records per round.")
    long baselineRecords;

    @Option(
            names = "--latency-duration",
            defaultValue = "60s",
            description = "Measured time at 80%% load.")
    Duration latencyDuration;

    @Option(
            names = "--load",
            defaultValue = "0.8",
            description = "Share of the peak for the latency phase.")
    double loadShare;

    @Option(names = "--partitions", defaultValue = "6", description = "Partitions of both topics.")
    int partitions;

    @Option(
            names = "--source-addresses",
            defaultValue = "1",
            description = "Client addresses 127.0.0.1..N.")
    int sourceAddresses;

    @Option(
            names = "--tracing-ab",
            defaultValue = "true",
            negatable = true,
            fallbackValue = "true",
            description =
                    "Also compare a gateway exporting spans over OTLP with one exporting none.")
    boolean tracingAb;

    @Override
    public BenchOptions options() {
        return bench;
    }

    @Override
    public void run(BenchReport report) throws Exception {
        if (bench.quick()) {
            duration = Duration.ofSeconds(8);
            warmup = Duration.ofSeconds(5);
            latencyDuration = Duration.ofSeconds(15);
            baselineRecords = Math.min(baselineRecords, 1_500_000);
        }
        int recordSize = TypicalReading.record("bench-123", 123_456).getSerializedSize();
        try (LocalStack stack = startStack();
                Service gateway = stack.startIngestGateway();
                IngestLoad load = connect(stack, gateway)) {
            TopicAdmin.create(stack.kafka(), baselineTopic(stack));
            measure(report, stack, load, recordSize);
            if (tracingAb) {
                tracing(report, stack, load);
            }
        } finally {
            cluster.deleteTopics();
        }
    }

    // An embedded broker, or the cluster of --kafka with topics of this run only.
    private LocalStack startStack() {
        if (cluster.bootstrapServers().isEmpty()) {
            return bench.startStack("ingest", partitions);
        }
        return LocalStack.start(
                StackConfig.builder(bench.freshDir("ingest"))
                        .existingCluster(
                                cluster.bootstrapServers().get(), cluster.topicPrefix("ingest"))
                        .partitions(partitions)
                        .replicationFactor(cluster.replicationFactor())
                        .build());
    }

    private static String baselineTopic(LocalStack stack) {
        return stack.config().topicPrefix() + BASELINE_TOPIC;
    }

    private IngestLoad connect(LocalStack stack, Service gateway) {
        URI ingest = URI.create("ws://127.0.0.1:" + gateway.port() + "/v1/ingest");
        return IngestLoad.connect(stack, ingest, devices, batch, sourceAddresses);
    }

    // Peak with tracing off (the gateway above) vs on: a second gateway whose spans the SDK's
    // autoconfiguration exports over OTLP/HTTP to a sink, rounds interleaved.
    private void tracing(BenchReport report, LocalStack stack, IngestLoad off) throws Exception {
        try (OtlpSink sink = OtlpSink.start();
                Service traced = tracedGateway(stack, sink);
                IngestLoad on = connect(stack, traced)) {
            List<IngestLoad.Check> checks = new ArrayList<>();
            on.saturate(warmup, window, checks);
            AbResult ab =
                    AbRunner.interleave(
                            "readings/s (records/s), acks=all",
                            bench.rounds(),
                            "tracing off",
                            round -> off.saturate(duration, window, checks),
                            "tracing on (OTLP export)",
                            round -> on.saturate(duration, window, checks));
            IngestReport.tracing(report, ab, sink.requests(), sink.bytes());
        }
    }

    private static Service tracedGateway(LocalStack stack, OtlpSink sink) {
        String[][] settings = {
            {"otel.traces.exporter", "otlp"},
            {"otel.exporter.otlp.protocol", "http/protobuf"},
            {"otel.exporter.otlp.endpoint", sink.endpoint()},
        };
        for (String[] s : settings) {
            System.setProperty(s[0], s[1]);
        }
        try {
            return stack.startIngestGateway();
        } finally {
            for (String[] s : settings) {
                System.clearProperty(s[0]);
            }
        }
    }

    private void measure(BenchReport report, LocalStack stack, IngestLoad load, int recordSize)
            throws Exception {
        List<IngestLoad.Check> checks = new ArrayList<>();
        load.saturate(warmup, window, new ArrayList<>());
        List<KafkaTools.ProducerResult> baselines = new ArrayList<>();
        AbResult peak =
                AbRunner.interleave(
                        "readings/s (records/s), acks=all",
                        bench.rounds(),
                        "ProducerPerformance",
                        round -> {
                            KafkaTools.ProducerResult r =
                                    producerPerf(stack, recordSize, -1, baselineRecords);
                            baselines.add(r);
                            return r.recordsPerSecond();
                        },
                        "ingest-gateway",
                        round -> load.saturate(duration, window, checks));
        double rate = loadShare * peak.oursMedian();
        LatencyRecorder acks = load.paced(rate, Duration.ofSeconds(5), latencyDuration, checks);
        double referenceRate = loadShare * peak.baselineMedian();
        KafkaTools.ProducerResult reference =
                producerPerf(
                        stack,
                        recordSize,
                        referenceRate,
                        (long) (referenceRate * latencyDuration.toSeconds()));
        IngestReport.write(
                report,
                new IngestReport.Numbers(
                        this,
                        recordSize,
                        RecordSample.first(stack),
                        peak,
                        baselines,
                        rate,
                        acks,
                        checks,
                        reference,
                        load.rejections(),
                        load.closedDevices()));
    }

    private KafkaTools.ProducerResult producerPerf(
            LocalStack stack, int recordSize, double throughput, long records) {
        return KafkaTools.producerPerformance(
                stack.bootstrapServers(),
                baselineTopic(stack),
                records,
                throughput > 0 ? 0 : records / 10,
                recordSize,
                throughput,
                GATEWAY_PRODUCER,
                Duration.ofMinutes(5));
    }

    /** The gateway producer's policy (acks, idempotence, linger, compression, timeouts). */
    private static Map<String, String> gatewayProducer() {
        Map<String, String> policy = new java.util.TreeMap<>();
        IngestProducer.properties(KafkaConfig.of("unused:9092", ""), "unused")
                .forEach((k, v) -> {
                    if (!k.equals("bootstrap.servers")
                            && !k.equals("client.id")
                            && !k.endsWith(".serializer")) {
                        policy.put(k, String.valueOf(v));
                    }
                });
        return Map.copyOf(policy);
    }

    String describe() {
        return devices
                + " device WebSockets (binary protobuf, "
                + sourceAddresses
                + " source address(es)), batches of "
                + batch
                + " readings, "
                + window
                + " batches in flight per device at peak; "
                + bench.rounds()
                + " rounds of "
                + duration.toSeconds()
                + " s (after "
                + warmup.toSeconds()
                + " s warm-up) vs "
                + "ProducerPerformance "
                + baselineRecords
                + " records (10% warm-up records); "
                + partitions
                + " partitions on "
                + cluster.describe()
                + "; latency phase "
                + (int) Math.round(loadShare * 100)
                + "% of our median peak for "
                + latencyDuration.toSeconds()
                + " s, open loop.";
    }

    boolean onCluster() {
        return cluster.bootstrapServers().isPresent();
    }

    short replicationFactor() {
        return cluster.replicationFactor();
    }

    double loadShare() {
        return loadShare;
    }

    Map<String, String> producerSettings() {
        return GATEWAY_PRODUCER;
    }
}

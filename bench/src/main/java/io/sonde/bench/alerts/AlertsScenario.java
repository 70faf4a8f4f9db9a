package io.sonde.bench.alerts;

import io.sonde.bench.AbResult;
import io.sonde.bench.AbRunner;
import io.sonde.bench.BenchException;
import io.sonde.bench.BenchOptions;
import io.sonde.bench.BenchReport;
import io.sonde.bench.KafkaTools;
import io.sonde.bench.LatencyRecorder;
import io.sonde.bench.OpenLoop;
import io.sonde.bench.Scenario;
import io.sonde.bench.TopicAdmin;
import io.sonde.bench.load.TypicalReading;
import io.sonde.platform.service.Service;
import io.sonde.stack.LocalStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Reading written to alert readable: a threshold rule created over the processor's REST API, then
 * readings at 10,000/s of which one in {@code period} per device is hot (one raise, and one clear
 * on the device's next reading); the latency of each raise and clear seen by a {@code
 * read_committed} consumer, and the processor's consumer lag. Against Kafka's EndToEndLatency p99
 * on the same broker, interleaved (our load paused while it runs).
 */
@Command(
        name = "alerts",
        mixinStandardHelpOptions = true,
        description = "Reading -> alert record latency at 10k readings/s, and processor lag.")
public final class AlertsScenario implements Scenario {
    static final String RULE_ID = "bench-hot";
    static final String APPLICATION_ID = "bench-alerts";
    private static final String BASELINE_TOPIC = "bench.end-to-end";

    @Mixin BenchOptions bench;

    @Option(names = "--devices", defaultValue = "1000", description = "Devices.")
    int devices;

    @Option(names = "--rate", defaultValue = "10000", description = "Readings/s in all.")
    double rate;

    @Option(
            names = "--period",
            defaultValue = "100",
            description = "One hot reading in this many per device.")
    int period;

    @Option(
            names = "--warmup",
            defaultValue = "30s",
            description = "Load before measuring (--quick: 10s).")
    Duration warmup;

    @Option(
            names = "--duration",
            defaultValue = "3m",
            description = "Measured time, split over the rounds (--quick: 30s).")
    Duration duration;

    @Option(
            names = "--baseline-records",
            defaultValue = "5000",
            description = "EndToEndLatency records per round.")
    long baselineRecords;

    @Option(names = "--partitions", defaultValue = "6", description = "Partitions of the topics.")
    int partitions;

    @Override
    public BenchOptions options() {
        return bench;
    }

    @Override
    public void run(BenchReport report) throws Exception {
        if (bench.quick()) {
            warmup = Duration.ofSeconds(10);
            duration = Duration.ofSeconds(30);
        }
        int recordSize = TypicalReading.record("bench-123", 123_456).getSerializedSize();
        try (LocalStack stack = bench.startStack("alerts", partitions);
                Service processor = stack.startStreamProcessor(APPLICATION_ID);
                Service push = stack.startPushGateway();
                AlertLoad load = new AlertLoad(stack, devices, period);
                AlertWatch watch = new AlertWatch(stack, RULE_ID);
                SseAlertWatch sse = new SseAlertWatch(stack, push.port(), RULE_ID);
                ProcessorLag lag = new ProcessorLag(stack, APPLICATION_ID)) {
            putRule(stack, processor);
            TopicAdmin.create(stack.kafka(), BASELINE_TOPIC);
            load.send(rate, warmup);
            lag.takeMax();
            AlertsReport.Rounds rounds = new AlertsReport.Rounds();
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
                            "reading->alert",
                            round -> slice(load, watch, sse, lag, slice, rounds));
            load.flush();
            settle(load, watch);
            rounds.sseRaised(sse.raised());
            AlertsReport.write(
                    report,
                    new AlertsReport.Numbers(
                            describe(), rate, result, baselines, rounds, load, watch));
        }
    }

    // One measured slice: raises and clears recorded, the lag's maximum kept; returns raise p99.
    private double slice(
            AlertLoad load,
            AlertWatch watch,
            SseAlertWatch sse,
            ProcessorLag lag,
            Duration slice,
            AlertsReport.Rounds rounds)
            throws Exception {
        LatencyRecorder raises = new LatencyRecorder();
        LatencyRecorder clears = new LatencyRecorder();
        LatencyRecorder processed = new LatencyRecorder();
        LatencyRecorder atClient = new LatencyRecorder();
        lag.takeMax();
        watch.measure(raises, clears, processed);
        sse.measure(atClient);
        OpenLoop.Stats sent = load.send(rate, slice);
        watch.measure(null, null, null);
        sse.measure(null);
        rounds.add(raises, clears, processed, atClient, lag.takeMax(), sent);
        return raises.percentiles().p99Millis();
    }

    // The last raises are still on their way when the load stops: give them a moment to land.
    private static void settle(AlertLoad load, AlertWatch watch) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (watch.raised() < load.hotReadings() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
    }

    // Through the API an operator uses, with an admin token: the PUT returns once it applies.
    private static void putRule(LocalStack stack, Service processor) throws Exception {
        String token = stack.issuer().viewer("bench", List.of("*"), true, Duration.ofHours(1));
        String rule =
                "{\"metric\":\"temperature\",\"op\":\">\",\"threshold\":80,"
                        + "\"clearThreshold\":75,\"severity\":\"major\",\"devices\":\"*\"}";
        HttpRequest put =
                HttpRequest.newBuilder(
                                URI.create(
                                        "http://127.0.0.1:"
                                                + processor.port()
                                                + "/v1/rules/"
                                                + RULE_ID))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString(rule))
                        .timeout(Duration.ofSeconds(30))
                        .build();
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        try (HttpClient http = HttpClient.newHttpClient()) {
            while (true) {
                HttpResponse<String> res = http.send(put, HttpResponse.BodyHandlers.ofString());
                if (res.statusCode() / 100 == 2) {
                    return;
                }
                // 503 while Streams starts (or rebalances): retry as its Retry-After asks.
                if (res.statusCode() != 503 || System.nanoTime() > deadline) {
                    throw new BenchException(
                            "PUT /v1/rules/"
                                    + RULE_ID
                                    + ": "
                                    + res.statusCode()
                                    + " "
                                    + res.body());
                }
                long seconds = res.headers().firstValueAsLong("Retry-After").orElse(1);
                LockSupport.parkNanos(Duration.ofSeconds(Math.max(1, seconds)).toNanos());
            }
        }
    }

    String describe() {
        return BenchReport.number(rate)
                + " readings/s over "
                + devices
                + " devices (open loop, written to `sonde.telemetry` with the ingest gateway's"
                + " producer settings), one hot reading (temperature "
                + (int) AlertLoad.HOT
                + ") in "
                + period
                + " per device, the others "
                + (int) AlertLoad.NORMAL
                + "; rule `"
                + RULE_ID
                + "`: temperature > 80, clearThreshold 75, created with PUT /v1/rules. Each hot"
                + " reading raises one alert and the device's next reading clears it: "
                + BenchReport.number(2.0 * rate / period)
                + " alert records/s. Warm-up "
                + warmup.toSeconds()
                + " s, then "
                + duration.toSeconds()
                + " s measured in "
                + bench.rounds()
                + " slices, each after an EndToEndLatency run of "
                + baselineRecords
                + " records on the same broker with our load paused; "
                + partitions
                + " partitions.";
    }
}

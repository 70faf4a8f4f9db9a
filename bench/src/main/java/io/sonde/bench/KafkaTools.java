package io.sonde.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The baselines: Kafka's own perf tools (org.apache.kafka:kafka-tools) run as {@link ChildJvm}s and
 * their summary lines parsed. The tools call {@code Exit.exit}, so in-process they would end the
 * bench; as children they also get their own heap and JIT, as on the command line.
 */
public final class KafkaTools {
    private static final Pattern PRODUCER_SUMMARY =
            Pattern.compile(
                    "(\\d+)(?: [a-z ]+)? records sent, ([\\d.]+) records/sec \\(([\\d.]+)"
                        + " MB/sec\\), ([\\d.]+) ms avg latency, ([\\d.]+) ms max latency, (\\d+)"
                        + " ms 50th, (\\d+) ms 95th, (\\d+) ms 99th, (\\d+) ms 99.9th");
    private static final Pattern E2E_AVG = Pattern.compile("Avg latency: ([\\d.]+) ms");
    private static final Pattern E2E_PERCENTILES =
            Pattern.compile("Percentiles: 50th = (\\d+), 99th = (\\d+), 99.9th = (\\d+)");
    private static final Pattern CONSUMER_ROW =
            Pattern.compile("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d:\\d{3}, \\d{4}-");
    private static final int CONSUMER_FIELDS = 10;

    private KafkaTools() {}

    /**
     * ProducerPerformance's final summary (latencies in ms, whole ms as the tool prints them).
     *
     * @param records records counted in the summary (after warm-up records, when given)
     */
    public record ProducerResult(
            long records,
            double recordsPerSecond,
            double megabytesPerSecond,
            double avgLatencyMs,
            long p50Ms,
            long p99Ms,
            long p999Ms) {}

    /**
     * ConsumerPerformance's summary row.
     *
     * @param recordsPerSecond over the whole run, group join included (nMsg.sec)
     * @param fetchRecordsPerSecond over the fetch time only, group join excluded (fetch.nMsg.sec)
     */
    public record ConsumerResult(
            long records,
            double recordsPerSecond,
            long rebalanceMs,
            long fetchMs,
            double fetchRecordsPerSecond) {}

    /** EndToEndLatency's result: the tool prints whole milliseconds for the percentiles. */
    public record EndToEndResult(double avgMs, long p50Ms, long p99Ms, long p999Ms) {}

    public static ProducerResult producerPerformance(
            String bootstrap,
            String topic,
            long records,
            long warmupRecords,
            int recordSize,
            double throughput,
            Map<String, String> producerProps,
            Duration timeout) {
        List<String> args = new ArrayList<>();
        args.addAll(List.of("--bootstrap-server", bootstrap, "--topic", topic));
        args.addAll(List.of("--num-records", Long.toString(records)));
        args.addAll(List.of("--record-size", Integer.toString(recordSize)));
        args.addAll(
                List.of("--throughput", throughput > 0 ? Long.toString((long) throughput) : "-1"));
        if (warmupRecords > 0) {
            args.addAll(List.of("--warmup-records", Long.toString(warmupRecords)));
        }
        args.add("--command-property");
        producerProps.forEach((k, v) -> args.add(k + "=" + v));
        ChildJvm.Result r =
                ChildJvm.run("org.apache.kafka.tools.ProducerPerformance", args, timeout);
        return parseProducer(r.output()).orElseThrow(() -> failed("ProducerPerformance", r));
    }

    public static ConsumerResult consumerPerformance(
            String bootstrap, String topic, long records, String group, Duration timeout) {
        List<String> args =
                List.of(
                        "--bootstrap-server", bootstrap,
                        "--topic", topic,
                        "--num-records", Long.toString(records),
                        "--group", group,
                        "--timeout", "60000");
        ChildJvm.Result r =
                ChildJvm.run("org.apache.kafka.tools.ConsumerPerformance", args, timeout);
        return parseConsumer(r.output()).orElseThrow(() -> failed("ConsumerPerformance", r));
    }

    public static EndToEndResult endToEndLatency(
            String bootstrap, String topic, long records, int recordSize, Duration timeout) {
        List<String> args =
                List.of(
                        "--bootstrap-server",
                        bootstrap,
                        "--topic",
                        topic,
                        "--num-records",
                        Long.toString(records),
                        "--producer-acks",
                        "all",
                        "--record-size",
                        Integer.toString(recordSize));
        ChildJvm.Result r = ChildJvm.run("org.apache.kafka.tools.EndToEndLatency", args, timeout);
        return parseEndToEnd(r.output()).orElseThrow(() -> failed("EndToEndLatency", r));
    }

    /**
     * The EndToEndLatency arm of an A/B run: each round runs the tool, keeps its result in {@code
     * results} and returns its p99 in ms.
     */
    public static AbRunner.Trial endToEndP99(
            String bootstrap,
            String topic,
            long records,
            int recordSize,
            List<EndToEndResult> results) {
        return round -> {
            EndToEndResult r =
                    endToEndLatency(bootstrap, topic, records, recordSize, Duration.ofMinutes(10));
            results.add(r);
            return r.p99Ms();
        };
    }

    /** The last summary line of ProducerPerformance output (the steady-state one with warm-up). */
    static Optional<ProducerResult> parseProducer(String output) {
        ProducerResult last = null;
        Matcher m = PRODUCER_SUMMARY.matcher(output);
        while (m.find()) {
            last =
                    new ProducerResult(
                            Long.parseLong(m.group(1)),
                            Double.parseDouble(m.group(2)),
                            Double.parseDouble(m.group(3)),
                            Double.parseDouble(m.group(4)),
                            Long.parseLong(m.group(6)),
                            Long.parseLong(m.group(8)),
                            Long.parseLong(m.group(9)));
        }
        return Optional.ofNullable(last);
    }

    /**
     * ConsumerPerformance's data row: two timestamps then eight numbers (the header may be
     * separated from it by log lines, as the child's stderr is merged).
     */
    static Optional<ConsumerResult> parseConsumer(String output) {
        return output.lines()
                .filter(l -> CONSUMER_ROW.matcher(l).lookingAt())
                .map(l -> l.split(",\\s*"))
                .filter(f -> f.length == CONSUMER_FIELDS)
                .reduce((first, second) -> second)
                .map(f ->
                        new ConsumerResult(
                                Long.parseLong(f[4].strip()),
                                Double.parseDouble(f[5].strip()),
                                Long.parseLong(f[6].strip()),
                                Long.parseLong(f[7].strip()),
                                Double.parseDouble(f[9].strip())));
    }

    static Optional<EndToEndResult> parseEndToEnd(String output) {
        Matcher avg = E2E_AVG.matcher(output);
        Matcher p = E2E_PERCENTILES.matcher(output);
        if (!avg.find() || !p.find()) {
            return Optional.empty();
        }
        return Optional.of(
                new EndToEndResult(
                        Double.parseDouble(avg.group(1)),
                        Long.parseLong(p.group(1)),
                        Long.parseLong(p.group(2)),
                        Long.parseLong(p.group(3))));
    }

    private static BenchException failed(String tool, ChildJvm.Result r) {
        String tail =
                String.join(
                        "\n",
                        r.lines().subList(Math.max(0, r.lines().size() - 20), r.lines().size()));
        return new BenchException(
                tool + " exited " + r.exitCode() + " without a summary:\n" + tail);
    }
}

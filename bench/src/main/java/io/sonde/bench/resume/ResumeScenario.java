package io.sonde.bench.resume;

import io.sonde.bench.AbResult;
import io.sonde.bench.AbRunner;
import io.sonde.bench.BenchException;
import io.sonde.bench.BenchOptions;
import io.sonde.bench.BenchReport;
import io.sonde.bench.LatencyRecorder;
import io.sonde.bench.MetricsScrape;
import io.sonde.bench.Percentiles;
import io.sonde.bench.Scenario;
import io.sonde.bench.connections.PushGatewayJvm;
import io.sonde.bench.connections.ServiceJvm;
import io.sonde.bench.load.StreamClients;
import io.sonde.devtools.DevKeys;
import io.sonde.kafka.embedded.EmbeddedKafka;
import io.sonde.platform.kafka.KafkaConfig;
import io.sonde.proto.v1.TelemetryRecord;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./sonde bench resume}: many viewers lose their connection together and come back with
 * their cursors. Each round: N SSE clients follow {@code telemetry:DEVICE} (N / devices per
 * device), receive one reading each, disconnect; every device then sends G readings; all clients
 * reconnect at once with {@code Last-Event-ID}. Measured: time from reconnecting to the first
 * resumed event and until every client holds all G, the events/s delivered meanwhile and the
 * records the catch-up readers read; beside, in the same run, as many new clients connecting with
 * {@code snapshot=true}: their time to the first event. Every client must receive exactly its G
 * readings in order, or the round fails.
 */
@Command(
        name = "resume",
        mixinStandardHelpOptions = true,
        description = "Resume of many SSE clients at once: time to first event, catch-up rate.")
public final class ResumeScenario implements Scenario {
    private static final String TOPIC_PREFIX = "bench-resume.";
    private static final String CATCHUP_RECORDS = "sonde_push_catchup_records_total";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofMinutes(5);
    private static final int TOP_FRAMES = 15;

    @Mixin BenchOptions bench;

    @Option(
            names = "--clients",
            defaultValue = "1000",
            description = "Resuming clients (default ${DEFAULT-VALUE}).")
    int clients;

    @Option(
            names = "--devices",
            defaultValue = "100",
            description = "Devices the clients follow (default ${DEFAULT-VALUE}).")
    int devices;

    @Option(
            names = "--missed",
            description =
                    "Readings per device sent while the clients are away (default 200;"
                            + " --quick: 50).")
    Integer missed;

    @Option(
            names = "--partitions",
            defaultValue = "4",
            description = "Partitions of the telemetry topic (default ${DEFAULT-VALUE}).")
    int partitions;

    /** One round's outcome. */
    record Round(
            int clients,
            int missed,
            Percentiles toFirst,
            double allCaughtUpSeconds,
            double eventsPerSecond,
            double recordsReadPerSecond,
            long recordsRead) {}

    @Override
    public BenchOptions options() {
        return bench;
    }

    @Override
    public void run(BenchReport report) throws Exception {
        int gap = missed != null ? missed : bench.quick() ? 50 : 200;
        Path dir = bench.freshDir("resume");
        DevKeys keys = DevKeys.loadOrCreate(dir.resolve("keys"));
        List<Round> rounds = new ArrayList<>();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
                PushGatewayJvm push =
                        PushGatewayJvm.start(
                                dir,
                                kafka.bootstrapServers(),
                                keys.jwksFile(),
                                TOPIC_PREFIX,
                                partitions,
                                (short) 1);
                Devices fleet = new Devices(kafka.bootstrapServers())) {
            String token =
                    keys.issuer()
                            .viewer(
                                    "bench-resume",
                                    List.of("telemetry:*"),
                                    false,
                                    Duration.ofHours(2));
            MetricsScrape metrics = new MetricsScrape(push.http("/observe/metrics"));
            AbResult ab =
                    AbRunner.interleave(
                            "time to first event p99 (ms), " + clients + " clients",
                            bench.rounds(),
                            "fresh connect with snapshot",
                            round -> fresh(round, push, fleet, token),
                            "resume with Last-Event-ID",
                            round -> {
                                Round r = round(round, push, metrics, fleet, token, gap);
                                rounds.add(r);
                                return r.toFirst().p99() / 1000.0;
                            });
            ResumeReport.write(report, clients, devices, gap, partitions, ab, rounds);
            // One more round with JFR in the gateway: where its CPU goes while clients resume.
            Path jfr = dir.resolve("push-gateway-resume.jfr");
            push.jvm().jcmd("JFR.start", "name=bench-resume", "settings=profile");
            round(bench.rounds() + 1, push, metrics, fleet, token, gap);
            push.jvm().jcmd("JFR.dump", "name=bench-resume", "filename=" + jfr.toAbsolutePath());
            push.jvm().jcmd("JFR.stop", "name=bench-resume");
            report.profile(
                    "Profile (JFR, push gateway JVM, one more resume round)", jfr, TOP_FRAMES);
        }
    }

    private Round round(
            int round,
            PushGatewayJvm push,
            MetricsScrape metrics,
            Devices fleet,
            String token,
            int gap) {
        String prefix = "r" + round + "-dev-";
        AtomicInteger liveDone = new AtomicInteger();
        List<Resumer> live = new ArrayList<>();
        try (StreamClients streams = new StreamClients()) {
            for (int i = 0; i < clients; i++) {
                String device = prefix + (i % devices);
                Resumer r = new Resumer(device, 0, 1, liveDone);
                live.add(r);
                streams.sse(events(push, device), token, "", r);
            }
            await("subscribers ready", streams::ready, clients, READY_TIMEOUT);
            fleet.send(prefix, devices, 0, 1);
            await("the first reading at every client", liveDone::get, clients, READY_TIMEOUT);
            streams.closeStreams();

            fleet.send(prefix, devices, 1, gap);
            double before = metrics.value(CATCHUP_RECORDS);
            AtomicInteger resumed = new AtomicInteger();
            List<Resumer> back = new ArrayList<>();
            long start = System.nanoTime();
            for (Resumer r : live) {
                Resumer next = new Resumer(r.device(), r.nextSeq(), gap, resumed);
                back.add(next);
                streams.sse(events(push, r.device()), token, r.lastId(), next);
            }
            await("every client caught up", resumed::get, clients, CATCH_UP_TIMEOUT);
            long end = back.stream().mapToLong(Resumer::doneNanos).max().orElse(start);
            double seconds = (end - start) / 1e9;
            check(back);
            long read = (long) (metrics.value(CATCHUP_RECORDS) - before);
            LatencyRecorder toFirst = new LatencyRecorder();
            back.forEach(r -> toFirst.recordMicros(r.toFirstNanos() / 1000));
            return new Round(
                    clients,
                    gap,
                    toFirst.percentiles(),
                    seconds,
                    (double) clients * gap / seconds,
                    read / seconds,
                    read);
        }
    }

    private static URI events(PushGatewayJvm push, String device) {
        return push.http("/v1/events?channel=telemetry:" + device + "&snapshot=false");
    }

    private static void check(List<Resumer> back) {
        for (Resumer r : back) {
            if (r.violations() > 0) {
                throw new BenchException(
                        String.format(
                                Locale.ROOT,
                                "client of %s resumed at seq %d: %d of its events out of order,"
                                        + " repeated or missing",
                                r.device(),
                                r.firstSeq(),
                                r.violations()));
            }
        }
    }

    /**
     * The baseline: as many new clients connecting as fast, each asking for its device's snapshot
     * (the latest reading, which the gateway holds): what a first event costs without history.
     */
    private double fresh(int round, PushGatewayJvm push, Devices fleet, String token) {
        String prefix = "f" + round + "-dev-";
        fleet.send(prefix, devices, 0, 1);
        AtomicInteger got = new AtomicInteger();
        List<Resumer> fresh = new ArrayList<>();
        try (StreamClients streams = new StreamClients()) {
            for (int i = 0; i < clients; i++) {
                String device = prefix + (i % devices);
                Resumer r = new Resumer(device, 0, 1, got);
                fresh.add(r);
                streams.sse(
                        push.http("/v1/events?channel=telemetry:" + device + "&snapshot=true"),
                        token,
                        "",
                        r);
            }
            await("a snapshot at every new client", got::get, clients, READY_TIMEOUT);
        }
        check(fresh);
        LatencyRecorder toFirst = new LatencyRecorder();
        fresh.forEach(r -> toFirst.recordMicros(r.toFirstNanos() / 1000));
        return toFirst.percentiles().p99() / 1000.0;
    }

    private static void await(String what, IntSupplier count, int wanted, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (count.getAsInt() < wanted) {
            if (System.nanoTime() > deadline) {
                throw new BenchException(
                        what + ": " + count.getAsInt() + " of " + wanted + " after " + timeout);
            }
            ServiceJvm.pause(Duration.ofMillis(20));
        }
    }

    /** The devices' side: readings produced to the telemetry topic as the ingest gateway would. */
    private static final class Devices implements AutoCloseable {
        private final KafkaProducer<byte[], byte[]> producer;
        private final String topic;

        Devices(String bootstrap) {
            this.topic = KafkaConfig.of(bootstrap, TOPIC_PREFIX).topics().telemetry().name();
            this.producer =
                    new KafkaProducer<>(
                            Map.of(
                                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                    bootstrap,
                                    ProducerConfig.ACKS_CONFIG,
                                    "all",
                                    ProducerConfig.LINGER_MS_CONFIG,
                                    5,
                                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                                    ByteArraySerializer.class,
                                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                                    ByteArraySerializer.class));
        }

        /** Readings seq {@code from} .. {@code from + count - 1} of each device, then a flush. */
        void send(String prefix, int devices, long from, int count) {
            long now = System.currentTimeMillis() * 1_000_000L;
            for (long seq = from; seq < from + count; seq++) {
                for (int d = 0; d < devices; d++) {
                    String device = prefix + d;
                    TelemetryRecord record =
                            TelemetryRecord.newBuilder()
                                    .setDeviceId(device)
                                    .setSeq(seq)
                                    .setTimeUnixNano(now)
                                    .setReceivedUnixNano(now)
                                    .putMetrics("value", 21.5)
                                    .build();
                    producer.send(
                            new ProducerRecord<>(
                                    topic,
                                    device.getBytes(StandardCharsets.UTF_8),
                                    record.toByteArray()));
                }
            }
            producer.flush();
        }

        @Override
        public void close() {
            producer.close(Duration.ofSeconds(10));
        }
    }
}

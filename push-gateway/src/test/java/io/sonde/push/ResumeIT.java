package io.sonde.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sonde.client.push.PollClient;
import io.sonde.client.push.SseClient;
import io.sonde.client.push.StreamSocket;
import io.sonde.devtools.DevKeys;
import io.sonde.platform.config.ServiceConfig;
import io.sonde.platform.kafka.KafkaConfig;
import io.sonde.platform.kafka.Topic;
import io.sonde.platform.kafka.TopicProvisioner;
import io.sonde.platform.service.Service;
import io.sonde.proto.v1.Alert;
import io.sonde.proto.v1.AlertState;
import io.sonde.proto.v1.TelemetryRecord;
import io.sonde.testing.Metrics;
import io.sonde.testing.SharedKafka;
import io.sonde.testing.SseRecording;
import io.sonde.testing.TestClients;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resuming against a real broker with two gateway instances: clients of every transport are cut off
 * at random points, over and over, and resume on the other instance; each must receive every
 * reading exactly once, in order. Also: expiry as a gap, and the alerts channels.
 */
@ExtendWith(SharedKafka.class)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ResumeIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> DEVICES = List.of("d-0", "d-1");

    @TempDir Path dir;
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private DevKeys keys;
    private KafkaConfig kafka;
    private final List<Service> gateways = new ArrayList<>();

    @BeforeEach
    void start(KafkaConfig kafka) {
        this.kafka = kafka;
        this.keys = DevKeys.loadOrCreate(dir.resolve("keys"));
        TopicProvisioner.ensure(kafka, kafka.topics().all());
    }

    @AfterEach
    void stop() {
        gateways.forEach(Service::close);
    }

    private Service gateway() {
        Service s =
                PushGatewayMain.start(
                        ServiceConfig.of(PushGatewayMain.SERVICE)
                                .flags(
                                        Map.of(
                                                "server.port", "0",
                                                "server.host", "127.0.0.1",
                                                "sonde.kafka.bootstrap-servers",
                                                        kafka.bootstrapServers(),
                                                "sonde.kafka.topic-prefix", kafka.topicPrefix(),
                                                "sonde.kafka.partitions", "3",
                                                "sonde.kafka.replication-factor", "1",
                                                "sonde.auth.jwks", keys.jwksFile().toString(),
                                                "sonde.push.heartbeat", "500ms"))
                                .load());
        gateways.add(s);
        await().atMost(WAIT).ignoreExceptions().until(() -> status(s, "/observe/health") == 200);
        return s;
    }

    private int status(Service s, String path) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private String token() {
        return keys.issuer().viewer("it", List.of("*"), false, Duration.ofMinutes(10));
    }

    /** Every reading each device got, in arrival order, as a client saw them. */
    private static final class Received {
        final Map<String, List<Long>> seqs = new ConcurrentHashMap<>();

        void add(String data) {
            try {
                JsonNode n = JSON.readTree(data);
                seqs.computeIfAbsent(n.get("deviceId").asText(), d -> new CopyOnWriteArrayList<>())
                        .add(n.get("seq").asLong());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        int size(String device) {
            return seqs.getOrDefault(device, List.of()).size();
        }
    }

    @Test
    void clientsCutOffAtRandomOnEveryTransportGetEveryReadingOnceInOrder() throws Exception {
        Service a = gateway();
        Service b = gateway();
        List<Service> both = List.of(a, b);
        int perDevice = 6_000;
        AtomicBoolean producing = new AtomicBoolean(true);
        CompletableFuture<Void> producer =
                CompletableFuture.runAsync(() -> produce(perDevice, producing));
        String token = token();
        AtomicInteger cuts = new AtomicInteger();
        Received sse = new Received();
        Received ws = new Received();
        Received poll = new Received();
        CompletableFuture<Void> sseRun =
                CompletableFuture.runAsync(() -> sseClient(both, token, sse, perDevice, cuts, 70));
        CompletableFuture<Void> wsRun =
                CompletableFuture.runAsync(() -> wsClient(both, token, ws, perDevice, cuts, 70));
        CompletableFuture<Void> pollRun =
                CompletableFuture.runAsync(
                        () -> pollClient(both, token, poll, perDevice, cuts, 70));

        CompletableFuture.allOf(sseRun, wsRun, pollRun).get(240, TimeUnit.SECONDS);
        producing.set(false);
        producer.get(30, TimeUnit.SECONDS);

        assertThat(cuts.get()).isGreaterThanOrEqualTo(200);
        List<Long> expected = LongStream.rangeClosed(1, perDevice).boxed().toList();
        for (Received r : List.of(sse, ws, poll)) {
            for (String device : DEVICES) {
                assertThat(r.seqs.get(device)).as(device).isEqualTo(expected);
            }
        }
        for (Service s : both) {
            await().atMost(WAIT).until(() -> Metrics.sum(s.port(), "sonde_push_sessions") == 0.0);
        }
        assertThat(Metrics.scrape(a.port()) + Metrics.scrape(b.port()))
                .containsPattern("sonde_push_resumes_total\\{outcome=\"exact\"[^}]*} [1-9]");
    }

    private void produce(int perDevice, AtomicBoolean producing) {
        Topic<String, TelemetryRecord> topic = kafka.topics().telemetry();
        try (KafkaProducer<byte[], byte[]> p =
                new KafkaProducer<>(TestClients.producer(kafka, "resume-it"))) {
            for (int seq = 1; seq <= perDevice && producing.get(); seq++) {
                for (String device : DEVICES) {
                    TelemetryRecord r =
                            TelemetryRecord.newBuilder()
                                    .setDeviceId(device)
                                    .setSeq(seq)
                                    .setTimeUnixNano(System.currentTimeMillis() * 1_000_000L)
                                    .putMetrics("t", seq)
                                    .build();
                    p.send(
                            new ProducerRecord<>(
                                    topic.name(),
                                    topic.keySerde().serializer().serialize(topic.name(), device),
                                    topic.valueSerde().serializer().serialize(topic.name(), r)));
                }
                if (seq % 100 == 0) {
                    p.flush(); // about 2,000 readings per second, in bursts
                    LockSupportPause.pause(Duration.ofMillis(50));
                }
            }
        }
    }

    private boolean done(Received r, int perDevice) {
        return DEVICES.stream().allMatch(d -> r.size(d) >= perDevice);
    }

    private void sseClient(
            List<Service> gateways,
            String token,
            Received received,
            int perDevice,
            AtomicInteger cuts,
            int times) {
        Random random = new Random(1);
        Optional<String> last = Optional.empty();
        int i = 0;
        while (i < times || !done(received, perDevice)) {
            Service g = gateways.get(i++ % 2);
            SseClient.Builder b =
                    SseClient.to(
                                    URI.create(
                                            "http://127.0.0.1:"
                                                    + g.port()
                                                    + "/v1/events?channel=telemetry:d-0&channel=telemetry:d-1&since=0&access_token="
                                                    + token))
                            .http(http);
            last.ifPresent(b::lastEventId);
            SseRecording s = SseRecording.open(b);
            int target = i <= times ? 1 + random.nextInt(30) : Integer.MAX_VALUE;
            try {
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> s.events().size() >= target || done(received, perDevice, s));
            } catch (RuntimeException e) {
                Received copy = new Received();
                s.events("telemetry").forEach(ev -> copy.add(ev.data()));
                throw new AssertionError(
                        "SSE client got no further: connection "
                                + i
                                + " status="
                                + s.status()
                                + " ended="
                                + s.ended()
                                + " events="
                                + s.events().size()
                                + " all="
                                + s.events().stream()
                                        .map(SseClient.Event::event)
                                        .distinct()
                                        .toList()
                                + " got "
                                + received.size("d-0")
                                + "/"
                                + received.size("d-1")
                                + " open "
                                + copy.size("d-0")
                                + "/"
                                + copy.size("d-1")
                                + " cursor "
                                + last.map(c -> io.sonde.push.hub.Cursor.parse(c).toString())
                                        .orElse("none"),
                        e);
            }
            s.close();
            List<SseClient.Event> events = s.events("telemetry");
            events.forEach(e -> received.add(e.data()));
            if (!events.isEmpty()) {
                last = events.getLast().id();
            }
            if (i <= times) {
                cuts.incrementAndGet();
            }
        }
    }

    private static boolean done(Received r, int perDevice, SseRecording open) {
        Received copy = new Received();
        open.events("telemetry").forEach(e -> copy.add(e.data()));
        return DEVICES.stream().allMatch(d -> r.size(d) + copy.size(d) >= perDevice);
    }

    private void wsClient(
            List<Service> gateways,
            String token,
            Received received,
            int perDevice,
            AtomicInteger cuts,
            int times) {
        Random random = new Random(2);
        Map<String, String> cursors = new HashMap<>();
        int i = 0;
        while (i < times || !done(received, perDevice)) {
            Service g = gateways.get(i++ % 2);
            List<JsonNode> inbox = new CopyOnWriteArrayList<>();
            StreamSocket socket =
                    StreamSocket.connect(
                            http,
                            URI.create(
                                    "ws://127.0.0.1:" + g.port() + "/v1/ws?access_token=" + token),
                            inbox::add);
            for (String device : DEVICES) {
                String channel = "telemetry:" + device;
                String cursor = cursors.get(channel);
                socket.send(
                        cursor == null
                                ? "{\"op\":\"subscribe\",\"channel\":\""
                                        + channel
                                        + "\",\"since\":\"0\"}"
                                : "{\"op\":\"subscribe\",\"channel\":\""
                                        + channel
                                        + "\",\"cursor\":\""
                                        + cursor
                                        + "\"}");
            }
            int target = i <= times ? 1 + random.nextInt(30) : Integer.MAX_VALUE;
            await().atMost(WAIT)
                    .until(() ->
                            events(inbox).size() >= target
                                    || doneWith(received, events(inbox), perDevice));
            socket.abort(); // no close frame: as a dropped connection
            for (JsonNode e : events(inbox)) {
                received.add(e.get("data").toString());
                cursors.put(e.get("channel").asText(), e.get("id").asText());
            }
            if (i <= times) {
                cuts.incrementAndGet();
            }
        }
    }

    private static List<JsonNode> events(List<JsonNode> inbox) {
        return inbox.stream().filter(m -> m.path("op").asText().equals("event")).toList();
    }

    private static boolean doneWith(Received r, List<JsonNode> more, int perDevice) {
        Received copy = new Received();
        more.forEach(e -> copy.add(e.get("data").toString()));
        return DEVICES.stream().allMatch(d -> r.size(d) + copy.size(d) >= perDevice);
    }

    private void pollClient(
            List<Service> gateways,
            String token,
            Received received,
            int perDevice,
            AtomicInteger cuts,
            int times) {
        Random random = new Random(3);
        Optional<String> cursor = Optional.empty();
        List<String> channels = List.of("telemetry:d-0", "telemetry:d-1");
        int i = 0;
        try {
            while (i < times || !done(received, perDevice)) {
                Service g = gateways.get(i++ % 2);
                URI base = URI.create("http://127.0.0.1:" + g.port() + "/");
                if (i <= times && random.nextInt(3) == 0) {
                    // A poll whose answer is lost: the client gives up and polls again from the
                    // same cursor.
                    abandonedPoll(base, token, cursor);
                    cuts.incrementAndGet();
                    continue;
                }
                PollClient client = new PollClient(http, base, token);
                PollClient.Answer a =
                        cursor.isEmpty()
                                ? client.poll(channels, 2, "since=0")
                                : client.pollFrom(cursor.get(), channels, 2);
                assertThat(a.status()).as(a.body()).isEqualTo(200);
                a.events().forEach(e -> received.add(e.data()));
                cursor = a.cursor();
                if (i <= times) {
                    cuts.incrementAndGet(); // every poll is a reconnect, here to the other instance
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void abandonedPoll(URI base, String token, Optional<String> cursor) throws Exception {
        String q =
                "v1/poll?channel=telemetry:d-0&channel=telemetry:d-1&wait=5&access_token="
                        + token
                        + cursor.map(c -> "&cursor=" + c).orElse("&since=0");
        try {
            http.send(
                    HttpRequest.newBuilder(base.resolve(q)).timeout(Duration.ofMillis(5)).build(),
                    HttpResponse.BodyHandlers.discarding());
        } catch (HttpTimeoutException expected) {
            // The answer, if any, is never read.
        }
    }

    @Test
    void aCursorIntoDeletedRecordsGetsAGapThenTheOldestRecordsHeld() throws Exception {
        Service g = gateway();
        String token = token();
        produceSome("d-0", 1, 10);
        String cursor;
        try (SseRecording first =
                SseRecording.open(
                        SseClient.to(
                                        URI.create(
                                                "http://127.0.0.1:"
                                                        + g.port()
                                                        + "/v1/events?channel=telemetry:d-0&since=0&access_token="
                                                        + token))
                                .http(http))) {
            await().atMost(WAIT).until(() -> first.events().size() == 10);
            cursor = first.events().get(2).id().orElseThrow();
        }
        int partition = new io.sonde.push.kafka.KafkaPartitioner().partition("d-0", 3);
        try (Admin admin = Admin.create(kafka.adminProperties("resume-it"))) {
            admin.deleteRecords(
                            Map.of(
                                    new TopicPartition(
                                            kafka.topics().telemetry().name(), partition),
                                    RecordsToDelete.beforeOffset(6)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }

        try (SseRecording again =
                SseRecording.open(
                        SseClient.to(
                                        URI.create(
                                                "http://127.0.0.1:"
                                                        + g.port()
                                                        + "/v1/events?channel=telemetry:d-0&access_token="
                                                        + token))
                                .lastEventId(cursor)
                                .http(http))) {
            await().atMost(WAIT).until(() -> again.events().size() == 5);
            assertThat(again.events().get(0).event()).isEqualTo("gap");
            assertThat(JSON.readTree(again.events().get(0).data()).get("reason").asText())
                    .isEqualTo("expired");
            Received r = new Received();
            again.events("telemetry").forEach(e -> r.add(e.data()));
            assertThat(r.seqs.get("d-0")).containsExactly(7L, 8L, 9L, 10L);
        }
        assertThat(Metrics.scrape(g.port()))
                .containsPattern("sonde_push_resumes_total\\{outcome=\"gap\"[^}]*} 1\\.0");
    }

    @Test
    void aFreshGatewaySnapshotsActiveAlertsAndLatestReadingsAndStreamsNewAlerts() throws Exception {
        send(kafka.topics().alerts(), "d-0", alert("a-1", "d-0", AlertState.ACTIVE));
        send(kafka.topics().alerts(), "d-1", alert("a-2", "d-1", AlertState.ACTIVE));
        send(kafka.topics().alerts(), "d-0", alert("a-1", "d-0", AlertState.CLEARED));
        produceSome("d-1", 1, 3);
        // A gateway started after all that (as after a restart) rebuilds its snapshots from Kafka.
        Service g = gateway();
        String token = token();
        try (SseRecording latest =
                SseRecording.open(
                        SseClient.to(
                                        URI.create(
                                                "http://127.0.0.1:"
                                                        + g.port()
                                                        + "/v1/events?channel=telemetry:d-1&channel=alerts:d-1&access_token="
                                                        + token))
                                .http(http))) {
            await().atMost(WAIT).until(() -> latest.events().size() == 2);
            assertThat(JSON.readTree(latest.events("telemetry").get(0).data()).get("seq").asLong())
                    .isEqualTo(3);
            assertThat(JSON.readTree(latest.events("alert").get(0).data()).get("id").asText())
                    .isEqualTo("a-2");
        }

        try (SseRecording fleet =
                        SseRecording.open(
                                SseClient.to(
                                                URI.create(
                                                        "http://127.0.0.1:"
                                                                + g.port()
                                                                + "/v1/events?channel=alerts&access_token="
                                                                + token))
                                        .http(http));
                SseRecording one =
                        SseRecording.open(
                                SseClient.to(
                                                URI.create(
                                                        "http://127.0.0.1:"
                                                                + g.port()
                                                                + "/v1/events?channel=alerts:d-0&access_token="
                                                                + token))
                                        .http(http))) {
            await().atMost(WAIT).until(() -> fleet.events().size() == 1);
            assertThat(JSON.readTree(fleet.events().get(0).data()).get("id").asText())
                    .isEqualTo("a-2");
            send(kafka.topics().alerts(), "d-0", alert("a-3", "d-0", AlertState.ACTIVE));
            await().atMost(WAIT)
                    .until(() -> fleet.events().size() == 2 && one.events().size() == 1);
            assertThat(one.events().get(0).event()).isEqualTo("alert");
            assertThat(JSON.readTree(one.events().get(0).data()).get("state").asText())
                    .isEqualTo("active");
        }
    }

    private void produceSome(String device, int from, int to) throws Exception {
        for (int seq = from; seq <= to; seq++) {
            send(
                    kafka.topics().telemetry(),
                    device,
                    TelemetryRecord.newBuilder()
                            .setDeviceId(device)
                            .setSeq(seq)
                            .putMetrics("t", seq)
                            .build());
        }
    }

    private <V> void send(Topic<String, V> topic, String key, V value) throws Exception {
        try (KafkaProducer<byte[], byte[]> p =
                new KafkaProducer<>(TestClients.producer(kafka, "resume-it"))) {
            p.send(
                            new ProducerRecord<>(
                                    topic.name(),
                                    topic.keySerde().serializer().serialize(topic.name(), key),
                                    topic.valueSerde().serializer().serialize(topic.name(), value)))
                    .get(30, TimeUnit.SECONDS);
        }
    }

    private static Alert alert(String id, String device, AlertState state) {
        return Alert.newBuilder()
                .setId(id)
                .setRuleId("r")
                .setDeviceId(device)
                .setMetric("t")
                .setSeverity("major")
                .setState(state)
                .setRaisedAtMs(1_000)
                .setClearedAtMs(state == AlertState.CLEARED ? 2_000 : 0)
                .build();
    }

    /** Paces the test producer; not a wait on a condition. */
    private static final class LockSupportPause {
        static void pause(Duration d) {
            java.util.concurrent.locks.LockSupport.parkNanos(d.toNanos());
        }
    }
}

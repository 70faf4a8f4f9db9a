package io.sonde.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sonde.client.push.SseClient;
import io.sonde.push.hub.Cursor;
import io.sonde.push.hub.Log;
import io.sonde.testing.SseRecording;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /v1/events} over real sockets: auth, validation, stream format, slow clients. */
@Timeout(120)
class EventsRoutingTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int CLIENTS = 1000;
    private static final int QUEUE_SIZE = 8;

    @TempDir Path keys;
    private RoutingFixture fixture;

    @BeforeEach
    void start() {
        fixture = new RoutingFixture(keys, QUEUE_SIZE);
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void withoutATokenTheAnswerIs401InJson() throws Exception {
        HttpResponse<String> res = fixture.get(fixture.uri("/v1/events?channel=devices"));

        assertThat(res.statusCode()).isEqualTo(401);
        assertThat(res.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(res.body()).contains("\"code\":\"unauthenticated\"").contains("\"message\"");
    }

    @Test
    void aBadOrDeviceTokenIs401() throws Exception {
        String device = fixture.issuer.device("dev-1", Duration.ofMinutes(5));

        assertThat(fixture.get(fixture.events("not-a-jwt", "devices")).statusCode()).isEqualTo(401);
        assertThat(fixture.get(fixture.events(device, "devices")).statusCode()).isEqualTo(401);
    }

    @Test
    void aChannelOutsideTheTokenIs403() throws Exception {
        String token = fixture.viewer("telemetry:dev-1");

        HttpResponse<String> res =
                fixture.get(fixture.events(token, "telemetry:dev-1", "telemetry:dev-2"));

        assertThat(res.statusCode()).isEqualTo(403);
        assertThat(res.body()).contains("\"code\":\"forbidden\"").contains("telemetry:dev-2");
        assertThat(fixture.sessions.count()).isZero();
    }

    @Test
    void noChannelUnknownChannelOrBadCursorIs400() throws Exception {
        String token = fixture.viewer("*");

        HttpResponse<String> none = fixture.get(fixture.events(token));
        HttpResponse<String> unknown = fixture.get(fixture.events(token, "weather"));
        HttpResponse<String> tooMany =
                fixture.get(
                        fixture.events(
                                token,
                                "telemetry:a",
                                "telemetry:b",
                                "telemetry:c",
                                "telemetry:d",
                                "telemetry:e"));
        HttpResponse<String> badCursor =
                fixture.get(fixture.events(token, "devices"), "Last-Event-ID", "garbage!");
        HttpResponse<String> badSince =
                fixture.get(
                        fixture.uri(
                                "/v1/events?channel=devices&since=yesterday&access_token="
                                        + token));

        assertThat(List.of(none, unknown, tooMany, badCursor, badSince))
                .allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(400));
        assertThat(unknown.body()).contains("\"code\":\"bad_request\"").contains("unknown channel");
        assertThat(tooMany.body()).contains("at most 4");
        assertThat(badCursor.body()).contains("malformed cursor");
        assertThat(badSince.body()).contains("since");
        assertThat(fixture.observability.scrape())
                .containsPattern("sonde_push_resumes_total\\{outcome=\"malformed\",.*} 1\\.0");
        assertThat(fixture.sessions.count()).isZero();
    }

    @Test
    void theStreamStartsWithRetryThenSnapshotThenLiveEventsWithIds() throws Exception {
        fixture.publish("devices", "device", "{\"deviceId\":\"a\"}", "a");
        fixture.publish("devices", "device", "{\"deviceId\":\"b\"}", "b");
        String token = fixture.viewer("devices", "telemetry:*");

        try (SseRecording client = fixture.sse(fixture.events(token, "devices", "telemetry:a"))) {
            assertThat(client.status()).isEqualTo(200);
            assertThat(client.header("Content-Type")).hasValue("text/event-stream");
            await().atMost(WAIT).until(() -> client.events().size() == 2);
            fixture.publish("telemetry:a", "telemetry", "{\"seq\":1}");
            fixture.publish("devices", "device", "{\"deviceId\":\"a\",\"x\":1}");
            await().atMost(WAIT).until(() -> client.events().size() == 4);

            assertThat(client.timeline().get(0)).isEqualTo("retry:1500");
            assertThat(client.events())
                    .extracting(SseClient.Event::event, SseClient.Event::data)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("device", "{\"deviceId\":\"a\"}"),
                            org.assertj.core.groups.Tuple.tuple("device", "{\"deviceId\":\"b\"}"),
                            org.assertj.core.groups.Tuple.tuple("telemetry", "{\"seq\":1}"),
                            org.assertj.core.groups.Tuple.tuple(
                                    "device", "{\"deviceId\":\"a\",\"x\":1}"));
            assertThat(client.events())
                    .allSatisfy(e -> assertThat(Cursor.parse(e.id().orElseThrow())).isPresent());
        }
    }

    @Test
    void snapshotFalseSkipsTheCurrentState() throws Exception {
        fixture.publish("devices", "device", "{}", "a");
        String token = fixture.viewer("devices");

        try (SseRecording client =
                fixture.sse(
                        fixture.uri(
                                "/v1/events?channel=devices&snapshot=false&access_token="
                                        + token))) {
            await().atMost(WAIT).until(() -> fixture.hub.subscriberCount("devices") == 1);
            fixture.publish("devices", "device", "{\"live\":true}");
            await().atMost(WAIT).until(() -> !client.events().isEmpty());

            assertThat(client.events())
                    .extracting(SseClient.Event::data)
                    .containsExactly("{\"live\":true}");
        }
    }

    @Test
    void aWellFormedLastEventIdIsAcceptedAndTheTokenMayComeAsBearer() throws Exception {
        String token = fixture.viewer("devices");
        String cursor = Cursor.of(Log.DEVICE_STATE, 0, 5).encode();
        var request =
                java.net.http.HttpRequest.newBuilder(fixture.uri("/v1/events?channel=devices"))
                        .header("Authorization", "Bearer " + token)
                        .header("Last-Event-ID", cursor)
                        .build();
        HttpResponse<InputStream> res =
                fixture.http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = res.body()) {
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(new String(body.readNBytes(12), StandardCharsets.UTF_8))
                    .isEqualTo("retry: 1500\n");
        }
    }

    @Test
    void heartbeatCommentsArriveWhileNothingHappens() throws Exception {
        try (SseRecording client = fixture.sse(fixture.events(fixture.viewer("*"), "devices"))) {
            await().atMost(WAIT).until(() -> client.comments().size() >= 3);

            assertThat(client.comments()).contains("heartbeat");
        }
    }

    @Test
    void clientsThatLeaveAreReleasedAndTheGaugeReturnsToZero() throws Exception {
        String token = fixture.viewer("*");
        List<SseRecording> clients = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            clients.add(fixture.sse(fixture.events(token, "devices")));
        }
        await().atMost(WAIT).until(() -> fixture.sessions.count() == 5);
        for (SseRecording client : clients) {
            client.close();
        }

        await().atMost(WAIT).until(() -> fixture.sessions.count() == 0);
        assertThat(fixture.observability.scrape())
                .containsPattern("sonde_push_sessions\\{.*} 0\\.0");
        assertThat(fixture.hub.subscriberCount("devices")).isZero();
    }

    @Test
    void abruptDisconnectsWithoutAnyCloseAreReleasedToo() throws Exception {
        String token = fixture.viewer("*");
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            Socket socket = rawStream(token, "devices");
            readUntil(socket.getInputStream(), "retry:");
            sockets.add(socket);
        }
        assertThat(fixture.sessions.count()).isEqualTo(50);
        for (Socket socket : sockets) {
            socket.setSoLinger(true, 0); // RST: no FIN, the server only learns on its next write
            socket.close();
        }

        await().atMost(WAIT).until(() -> fixture.sessions.count() == 0);
        assertThat(fixture.disconnects("client_gone")).isEqualTo(50.0);
    }

    @Test
    void aThousandClientsDroppedAbruptlyWaveAfterWaveLeaveNoSessionAndNoHeapGrowth()
            throws Exception {
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < CLIENTS / 50; i++) {
            tokens.add(
                    fixture.issuer.viewer("viewer-" + i, List.of("*"), false, Duration.ofHours(1)));
        }
        dropAbruptly(tokens); // the first wave warms up pools and classes
        long before = usedHeapAfterGc();
        for (int wave = 0; wave < 3; wave++) {
            dropAbruptly(tokens);
        }
        long after = usedHeapAfterGc();

        // 3,000 leaked sessions would hold several MB (queues, maps, subscriptions, Helidon
        // connection state); 2 MB leaves room for what a full GC does not settle.
        assertThat(after - before).isLessThan(2L * 1024 * 1024);
        assertThat(fixture.hub.subscriberCount("devices")).isZero();
        assertThat(fixture.subscriptionMeters.subscriptions()).isZero();
        assertThat(fixture.disconnects("client_gone")).isEqualTo(4.0 * CLIENTS);
    }

    /** Opens {@value #CLIENTS} streams, resets them all, and waits until no session is left. */
    private void dropAbruptly(List<String> tokens) throws Exception {
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < CLIENTS; i++) {
                Socket socket = rawStream(tokens.get(i / 50), "devices");
                readUntil(socket.getInputStream(), "retry:");
                sockets.add(socket);
            }
            assertThat(fixture.sessions.count()).isEqualTo(CLIENTS);
        } finally {
            for (Socket socket : sockets) {
                socket.setSoLinger(true, 0);
                socket.close();
            }
        }
        await().atMost(WAIT).until(() -> fixture.sessions.count() == 0);
    }

    private static long usedHeapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        // The smallest of a few full collections: one may run while something is still in flight.
        for (int i = 0; i < 3; i++) {
            memory.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    @Test
    void aSlowClientIsClosedAsSlowWhileAFastOneGetsEveryEvent() throws Exception {
        String token = fixture.viewer("*");
        Socket slow = rawStream(token, "telemetry:big"); // never reads again
        readUntil(slow.getInputStream(), "retry:");
        try (SseRecording fast = fixture.sse(fixture.events(token, "telemetry:big"))) {
            await().atMost(WAIT).until(() -> fixture.sessions.count() == 2);
            String pad = "{\"pad\":\"" + "x".repeat(64 * 1024) + "\"}";
            int published = 0;
            while (fixture.disconnects("slow") == 0 && published < 2000) {
                fixture.publish("telemetry:big", "telemetry", pad);
                int expected = ++published;
                await().atMost(WAIT)
                        .pollDelay(Duration.ZERO)
                        .pollInterval(Duration.ofMillis(1))
                        .until(() -> fast.events().size() == expected);
            }

            assertThat(fixture.disconnects("slow")).isEqualTo(1.0);
            // The slow client's write was stuck: the watchdog drops it, the fast one stays.
            await().atMost(WAIT).until(() -> fixture.sessions.count() == 1);
            assertThat(fast.events()).hasSize(published);
            assertThat(fast.events("error")).isEmpty();
            assertThat(fixture.hub.subscriberCount("telemetry:big")).isEqualTo(1);
        } finally {
            slow.close();
        }
    }

    @Test
    void aSlowClientThatStillReadsGetsAnErrorEventWithTheReasonThenTheEnd() throws Exception {
        String token = fixture.viewer("*");
        try (SseRecording client = fixture.sse(fixture.events(token, "telemetry:x"))) {
            await().atMost(WAIT).until(() -> fixture.hub.subscriberCount("telemetry:x") == 1);
            // Publish faster than any writer until the queue overflows: the hub never waits.
            for (int i = 0; fixture.hub.subscriberCount("telemetry:x") > 0; i++) {
                fixture.publish("telemetry:x", "telemetry", "{}");
            }

            await().atMost(WAIT).until(client::ended);
            List<SseClient.Event> errors = client.events("error");
            assertThat(errors).hasSize(1);
            assertThat(errors.get(0).id()).isEmpty();
            assertThat(errors.get(0).data()).contains("\"reason\":\"slow\"");
            assertThat(client.events().getLast().event()).isEqualTo("error");
            await().atMost(WAIT).until(() -> fixture.sessions.count() == 0);
        }
    }

    @Test
    void shutdownEndsStreamsWithAStatedReason() throws Exception {
        try (SseRecording client = fixture.sse(fixture.events(fixture.viewer("*"), "devices"))) {
            await().atMost(WAIT).until(() -> fixture.sessions.count() == 1);
            fixture.sessions.shutdown();

            await().atMost(WAIT).until(client::ended);
            assertThat(client.events("error"))
                    .singleElement()
                    .satisfies(e -> assertThat(e.data()).contains("\"reason\":\"shutdown\""));
        }
    }

    private Socket rawStream(String token, String channel) throws Exception {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress("localhost", fixture.port()));
        OutputStream out = socket.getOutputStream();
        out.write(
                ("GET /v1/events?channel="
                                + channel
                                + "&access_token="
                                + token
                                + " HTTP/1.1\r\n"
                                + "Host: localhost\r\n"
                                + "Accept: text/event-stream\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return socket;
    }

    private static void readUntil(InputStream in, String marker) throws Exception {
        StringBuilder seen = new StringBuilder();
        int b;
        while ((b = in.read()) != -1) {
            seen.append((char) b);
            if (seen.indexOf(marker) >= 0) {
                return;
            }
        }
        throw new AssertionError("stream ended before '" + marker + "': " + seen);
    }
}

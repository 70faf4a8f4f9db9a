package io.sonde.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.sonde.client.push.PollClient;
import io.sonde.client.push.SseClient;
import io.sonde.client.push.StreamSocket;
import io.sonde.push.hub.Log;
import io.sonde.testing.SseRecording;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Resume, gap and since on SSE, and the WebSocket and long-poll transports, over real sockets. */
@Timeout(120)
class StreamsRoutingTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir Path keys;
    private RoutingFixture fixture;

    @BeforeEach
    void start() {
        // Writes may block 5 s: long enough for a stalled client's queue to overflow first.
        fixture = new RoutingFixture(keys, 64, Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    private void readings(String device, int from, int to) {
        for (int n = from; n < to; n++) {
            fixture.publish("telemetry:" + device, "telemetry", "{\"n\":" + n + "}", "latest");
        }
    }

    private static List<String> range(int from, int to) {
        return IntStream.range(from, to).mapToObj(n -> "{\"n\":" + n + "}").toList();
    }

    private SseRecording sse(String token, String query, Optional<String> lastEventId) {
        SseClient.Builder b =
                SseClient.to(fixture.uri("/v1/events?access_token=" + token + query))
                        .http(fixture.http);
        lastEventId.ifPresent(b::lastEventId);
        return SseRecording.open(b);
    }

    @Test
    void sseResumesRightAfterTheLastEventIdWithNoGapAndNoDuplicate() throws Exception {
        String token = fixture.viewer("telemetry:*");
        String id;
        try (SseRecording first =
                sse(token, "&channel=telemetry:a&snapshot=false", Optional.empty())) {
            await().atMost(WAIT).until(() -> fixture.hub.subscriberCount("telemetry:a") == 1);
            readings("a", 0, 5);
            await().atMost(WAIT).until(() -> first.events().size() == 5);
            id = first.events().get(2).id().orElseThrow();
        }
        readings("a", 5, 8);

        try (SseRecording again = sse(token, "&channel=telemetry:a&since=1", Optional.of(id))) {
            await().atMost(WAIT).until(() -> again.events().size() == 5);
            readings("a", 8, 10);
            await().atMost(WAIT).until(() -> again.events().size() == 7);

            assertThat(again.events()).extracting(SseClient.Event::data).isEqualTo(range(3, 10));
        }
        assertThat(fixture.observability.scrape())
                .doesNotContain("outcome=\"malformed\",service=\"push-gateway-test\"} 1");
    }

    @Test
    void anExpiredCursorGetsAGapFirstThenTheOldestDataHeld() throws Exception {
        String token = fixture.viewer("telemetry:*");
        String id;
        try (SseRecording first =
                sse(token, "&channel=telemetry:a&snapshot=false", Optional.empty())) {
            await().atMost(WAIT).until(() -> fixture.hub.subscriberCount("telemetry:a") == 1);
            readings("a", 0, 2);
            await().atMost(WAIT).until(() -> first.events().size() == 2);
            id = first.events().get(0).id().orElseThrow();
        }
        readings("a", 2, 6);
        fixture.history.expireBelow(Log.TELEMETRY, 4);

        try (SseRecording again = sse(token, "&channel=telemetry:a", Optional.of(id))) {
            await().atMost(WAIT).until(() -> again.events().size() == 3);

            assertThat(again.events().get(0).event()).isEqualTo("gap");
            assertThat(again.events().get(0).data())
                    .contains("\"reason\":\"expired\"")
                    .contains("telemetry:a");
            assertThat(again.events().get(0).id()).isPresent();
            assertThat(again.events().subList(1, 3))
                    .extracting(SseClient.Event::data)
                    .isEqualTo(range(4, 6));
        }
    }

    @Test
    void sinceReplaysFromThatTimeInsteadOfASnapshot() throws Exception {
        readings("a", 0, 6);
        // The in-memory history takes the time as an offset.
        try (SseRecording s =
                sse(fixture.viewer("*"), "&channel=telemetry:a&since=4", Optional.empty())) {
            await().atMost(WAIT).until(() -> s.events().size() == 2);
            assertThat(s.events()).extracting(SseClient.Event::data).isEqualTo(range(4, 6));
        }
    }

    @Test
    void aPollChainGetsEveryEventOnceInOrderAtMostNPerAnswer() throws Exception {
        PollClient poll = new PollClient(fixture.http, fixture.uri("/"), fixture.viewer("*"));
        readings("a", 0, 3);
        PollClient.Answer first = poll.poll(List.of("telemetry:a"), 0);
        assertThat(first.events()).extracting(PollClient.Event::data).containsExactly("{\"n\":2}");
        readings("a", 3, 15);

        List<String> got = new ArrayList<>();
        String cursor = first.cursor().orElseThrow();
        while (got.size() < 12) {
            PollClient.Answer a = poll.pollFrom(cursor, List.of("telemetry:a"), 5);
            assertThat(a.status()).isEqualTo(200);
            assertThat(a.events()).hasSizeLessThanOrEqualTo(5);
            a.events().forEach(e -> got.add(e.data()));
            cursor = a.cursor().orElseThrow();
        }

        assertThat(got).isEqualTo(range(3, 15));
        await().atMost(WAIT).until(() -> fixture.sessions.count() == 0);
    }

    @Test
    void aPollWaitsForTheNextEventAndAnEmptyAnswerLosesNothing() throws Exception {
        PollClient poll = new PollClient(fixture.http, fixture.uri("/"), fixture.viewer("*"));
        PollClient.Answer empty = poll.poll(List.of("telemetry:a"), 0, "snapshot=false");
        assertThat(empty.events()).isEmpty();
        readings("a", 0, 1);

        PollClient.Answer next =
                poll.pollFrom(empty.cursor().orElseThrow(), List.of("telemetry:a"), 30);
        CompletableFuture<PollClient.Answer> waiting =
                CompletableFuture.supplyAsync(() -> call(poll, next.cursor().orElseThrow()));
        await().atMost(WAIT).until(() -> fixture.hub.subscriberCount("telemetry:a") == 1);
        readings("a", 1, 2);

        assertThat(next.events()).extracting(PollClient.Event::data).containsExactly("{\"n\":0}");
        assertThat(waiting.get(30, TimeUnit.SECONDS).events())
                .extracting(PollClient.Event::data, PollClient.Event::channel)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("{\"n\":1}", "telemetry:a"));
    }

    @Test
    void pollRefusesLikeSse() throws Exception {
        String token = fixture.viewer("telemetry:a");
        PollClient poll = new PollClient(fixture.http, fixture.uri("/"), token);

        assertThat(poll.poll(List.of("telemetry:b"), 0).status()).isEqualTo(403);
        assertThat(poll.pollFrom("nope!", List.of("telemetry:a"), 0).status()).isEqualTo(400);
        assertThat(poll.poll(List.of("telemetry:a"), 999).status()).isEqualTo(400);
        assertThat(fixture.get(fixture.uri("/v1/poll?channel=devices")).statusCode())
                .isEqualTo(401);
        fixture.history.refuse = true;
        PollClient.Answer busy = poll.pollFrom(first(token), List.of("telemetry:a"), 0);
        assertThat(busy.status()).isEqualTo(503);
        assertThat(busy.body()).contains("\"code\":\"unavailable\"");
    }

    private String first(String token) throws Exception {
        fixture.history.refuse = false;
        readings("a", 0, 1);
        String cursor =
                new PollClient(fixture.http, fixture.uri("/"), token)
                        .poll(List.of("telemetry:a"), 0)
                        .cursor()
                        .orElseThrow();
        fixture.history.refuse = true;
        return cursor;
    }

    private static PollClient.Answer call(PollClient poll, String cursor) {
        try {
            return poll.pollFrom(cursor, List.of("telemetry:a"), 30);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private URI ws(String token) {
        return URI.create("ws://127.0.0.1:" + fixture.port() + "/v1/ws?access_token=" + token);
    }

    private static final class Inbox implements StreamSocket.Listener {
        final List<JsonNode> messages = new CopyOnWriteArrayList<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();

        @Override
        public void message(JsonNode message) {
            messages.add(message);
        }

        @Override
        public void closed(int code, String reason) {
            closed.complete(code);
        }

        List<JsonNode> op(String op) {
            return messages.stream().filter(m -> m.path("op").asText().equals(op)).toList();
        }

        List<String> data(String channel) {
            return op("event").stream()
                    .filter(m -> m.path("channel").asText().equals(channel))
                    .map(m -> m.path("data").toString())
                    .toList();
        }
    }

    @Test
    void aWebSocketSubscribesGetsTheSnapshotThenLiveEventsAndUnsubscribes() throws Exception {
        readings("a", 0, 2);
        Inbox inbox = new Inbox();
        try (StreamSocket socket =
                StreamSocket.connect(fixture.http, ws(fixture.viewer("*")), inbox)) {
            socket.subscribe("telemetry:a", true);
            socket.subscribe("devices", false);
            await().atMost(WAIT).until(() -> inbox.op("subscribed").size() == 2);
            readings("a", 2, 4);
            fixture.publish("devices", "device", "{\"d\":1}", "x");
            await().atMost(WAIT).until(() -> inbox.op("event").size() == 4);
            socket.ping();
            await().atMost(WAIT).until(() -> inbox.op("pong").size() == 1);
            socket.unsubscribe("telemetry:a");
            await().atMost(WAIT).until(() -> fixture.hub.subscriberCount("telemetry:a") == 0);
            readings("a", 4, 5);
            fixture.publish("devices", "device", "{\"d\":2}", "x");
            await().atMost(WAIT).until(() -> inbox.data("devices").size() == 2);

            assertThat(inbox.messages.get(0).path("op").asText()).isEqualTo("subscribed");
            assertThat(inbox.data("telemetry:a")).isEqualTo(range(1, 4));
            assertThat(inbox.op("event"))
                    .allSatisfy(m -> assertThat(m.path("id").asText()).isNotEmpty());
        }
        await().atMost(WAIT).until(() -> fixture.sessions.count() == 0);
    }

    @Test
    void aWebSocketResumesEachChannelFromItsOwnCursor() throws Exception {
        String token = fixture.viewer("*");
        Inbox first = new Inbox();
        String cursor;
        try (StreamSocket socket = StreamSocket.connect(fixture.http, ws(token), first)) {
            socket.subscribe("telemetry:a", false);
            await().atMost(WAIT).until(() -> first.op("subscribed").size() == 1);
            readings("a", 0, 4);
            await().atMost(WAIT).until(() -> first.op("event").size() == 4);
            cursor = first.op("event").get(1).path("id").asText();
        }
        readings("a", 4, 6);

        Inbox again = new Inbox();
        try (StreamSocket socket = StreamSocket.connect(fixture.http, ws(token), again)) {
            socket.resume("telemetry:a", cursor);
            await().atMost(WAIT).until(() -> again.op("event").size() == 4);
            readings("a", 6, 7);
            await().atMost(WAIT).until(() -> again.op("event").size() == 5);
            assertThat(again.data("telemetry:a")).isEqualTo(range(2, 7));
        }
    }

    @Test
    void aWebSocketAnswersBadOpsWithErrorsAndStaysOpen() throws Exception {
        Inbox inbox = new Inbox();
        try (StreamSocket socket =
                StreamSocket.connect(fixture.http, ws(fixture.viewer("telemetry:a")), inbox)) {
            socket.subscribe("telemetry:b", true);
            socket.subscribe("weather", true);
            socket.resume("telemetry:a", "garbage!");
            socket.send("{not json");
            socket.send("{\"op\":\"dance\"}");
            socket.ping();
            await().atMost(WAIT).until(() -> inbox.op("pong").size() == 1);

            assertThat(inbox.op("error"))
                    .extracting(m -> m.path("code").asText())
                    .containsExactly(
                            "forbidden",
                            "bad_request",
                            "bad_request",
                            "bad_request",
                            "bad_request");
            assertThat(inbox.op("error").get(0).path("channel").asText()).isEqualTo("telemetry:b");
            assertThat(inbox.op("error").get(2).path("message").asText())
                    .contains("malformed cursor");
            assertThat(inbox.closed).isNotDone();
        }
    }

    @Test
    void aWebSocketIsClosedWith4001WhenItsTokenExpiresUnlessRefreshed() throws Exception {
        String shortLived =
                fixture.issuer.viewer("viewer", List.of("*"), false, Duration.ofSeconds(2));
        String refreshed =
                fixture.issuer.viewer("viewer", List.of("devices"), false, Duration.ofMinutes(5));
        Inbox expiring = new Inbox();
        Inbox kept = new Inbox();
        StreamSocket.connect(fixture.http, ws(shortLived), expiring);
        try (StreamSocket socket = StreamSocket.connect(fixture.http, ws(shortLived), kept)) {
            socket.subscribe("telemetry:a", false);
            await().atMost(WAIT).until(() -> kept.op("subscribed").size() == 1);
            socket.send("{\"op\":\"refresh\",\"token\":\"" + refreshed + "\"}");
            await().atMost(WAIT).until(() -> kept.op("refreshed").size() == 1);

            assertThat(expiring.closed.get(30, TimeUnit.SECONDS)).isEqualTo(4001);
            // The fresh token no longer allows telemetry: that subscription ends with a reason.
            assertThat(kept.op("error"))
                    .singleElement()
                    .satisfies(e -> {
                        assertThat(e.path("code").asText()).isEqualTo("forbidden");
                        assertThat(e.path("channel").asText()).isEqualTo("telemetry:a");
                    });
            socket.ping();
            await().atMost(WAIT).until(() -> kept.op("pong").size() == 1);
            assertThat(kept.closed).isNotDone();
            assertThat(fixture.disconnects("token_expired")).isEqualTo(1.0);
        }
    }

    @Test
    void manyWebSocketsDroppedWithoutCloseFramesLeaveNoSessionBehind() throws Exception {
        List<StreamSocket> sockets = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            // One token per dashboard, as real ones hold: the per-token limit stays out of it.
            String token =
                    fixture.issuer.viewer(
                            "viewer-" + i, List.of("*"), false, Duration.ofMinutes(5));
            StreamSocket socket = StreamSocket.connect(fixture.http, ws(token), m -> {});
            socket.subscribe("devices", false);
            sockets.add(socket);
        }
        await().atMost(WAIT).until(() -> fixture.hub.subscriberCount("devices") == 500);
        sockets.forEach(StreamSocket::abort);

        await().atMost(WAIT).until(() -> fixture.sessions.count() == 0);
        assertThat(fixture.hub.subscriberCount("devices")).isZero();
        assertThat(fixture.subscriptionMeters.subscriptions()).isZero();
    }

    @Test
    void aWebSocketWithoutAValidTokenIsClosedWith1008() throws Exception {
        Inbox none = new Inbox();
        StreamSocket.connect(
                fixture.http, URI.create("ws://127.0.0.1:" + fixture.port() + "/v1/ws"), none);
        Inbox bad = new Inbox();
        StreamSocket.connect(fixture.http, ws("not-a-jwt"), bad);

        assertThat(none.closed.get(30, TimeUnit.SECONDS)).isEqualTo(1008);
        assertThat(bad.closed.get(30, TimeUnit.SECONDS)).isEqualTo(1008);
        assertThat(fixture.sessions.count()).isZero();
    }

    @Test
    void aWebSocketThatStopsReadingIsClosedAsSlowWhileAnotherGetsEverything() throws Exception {
        String token = fixture.viewer("*");
        try (Socket stalled = rawWebSocket(token)) {
            sendMasked(
                    stalled,
                    "{\"op\":\"subscribe\",\"channel\":\"telemetry:big\",\"snapshot\":false}");
            Inbox fast = new Inbox();
            try (StreamSocket socket = StreamSocket.connect(fixture.http, ws(token), fast)) {
                socket.subscribe("telemetry:big", false);
                await().atMost(WAIT).until(() -> fixture.hub.subscriberCount("telemetry:big") == 2);
                String pad = "\"" + "x".repeat(32 * 1024) + "\"";
                int published = 0;
                while (fixture.disconnects("slow") == 0 && published < 2000) {
                    fixture.publish(
                            "telemetry:big",
                            "telemetry",
                            "{\"n\":" + published + ",\"pad\":" + pad + "}");
                    int expected = ++published;
                    await().atMost(WAIT)
                            .pollDelay(Duration.ZERO)
                            .pollInterval(Duration.ofMillis(1))
                            .failFast(() -> fast.closed.isDone())
                            .until(() -> fast.op("event").size() == expected);
                }

                assertThat(fixture.disconnects("slow")).isEqualTo(1.0);
                assertThat(fast.op("event")).hasSize(published);
                // The stalled writer is dropped by the write watchdog; the fast one stays.
                await().atMost(WAIT).until(() -> fixture.sessions.count() == 1);
                assertThat(fast.closed).isNotDone();
            }
        }
    }

    /** A WebSocket client that completes the handshake and then never reads again. */
    private Socket rawWebSocket(String token) throws Exception {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress("127.0.0.1", fixture.port()));
        socket.getOutputStream()
                .write(
                        ("GET /v1/ws?access_token="
                                        + token
                                        + " HTTP/1.1\r\nHost: localhost\r\n"
                                        + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                        + "Sec-WebSocket-Version: 13\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (head.indexOf("\r\n\r\n") < 0) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("no handshake: " + head);
            }
            head.append((char) b);
        }
        assertThat(head.toString()).startsWith("HTTP/1.1 101");
        return socket;
    }

    private static void sendMasked(Socket socket, String text) throws Exception {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] mask = {1, 2, 3, 4};
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x81);
        frame.write(0x80 | payload.length); // under 126 bytes
        frame.write(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        socket.getOutputStream().write(frame.toByteArray());
        socket.getOutputStream().flush();
    }

    @Test
    void unknownApiRoutesAndWrongMethodsAnswerInJson() throws Exception {
        HttpResponse<String> unknown = fixture.get(fixture.uri("/v1/nothing"));
        HttpResponse<String> wrong = fixture.send("DELETE", fixture.uri("/v1/devices"), null);
        HttpResponse<String> post = fixture.send("POST", fixture.uri("/v1/rules/x"), "{}");
        HttpResponse<String> plainWs = fixture.get(fixture.uri("/v1/ws"));

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("\"code\":\"not_found\"");
        assertThat(unknown.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(wrong.statusCode()).isEqualTo(405);
        assertThat(wrong.headers().firstValue("Allow")).hasValue("GET");
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("DELETE, GET, PUT");
        assertThat(plainWs.statusCode()).isEqualTo(426);
    }

    @Test
    void processorRoutesSayUnavailableWhenTheProcessorDoesNotAnswer() throws Exception {
        HttpResponse<String> res = fixture.get(fixture.uri("/v1/alerts?state=active"));

        assertThat(res.statusCode()).isEqualTo(503);
        assertThat(res.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(res.body()).contains("\"code\":\"unavailable\"");
    }
}

package io.sonde.client.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Against a real Helidon server writing event streams by hand, CRLF and LF mixed. */
@Timeout(30)
class SseClientTest {
    private static final String STREAM =
            "retry: 1500\n"
                    + ": hello\n"
                    + "\n"
                    + "id: c1\r\n"
                    + "event: device\r\n"
                    + "data: {\"a\":1}\r\n"
                    + "\r\n"
                    + "data: line one\n"
                    + "data:line two\n"
                    + "unknown: ignored\n"
                    + "\n"
                    + "event: empty\n"
                    + "\n"
                    + "id: c3\n"
                    + "event: alert\n"
                    + "data\n"
                    + "\n";

    private static WebServer server;
    private static final AtomicReference<String> LAST_EVENT_ID = new AtomicReference<>();

    @BeforeAll
    static void start() {
        server =
                WebServer.builder()
                        .host("127.0.0.1")
                        .port(0)
                        .routing(r ->
                                r.get("/stream", SseClientTest::stream)
                                        .get("/forbidden", SseClientTest::forbidden))
                        .build()
                        .start();
    }

    private static void stream(ServerRequest req, ServerResponse res) throws IOException {
        req.headers().first(HeaderNames.create("Last-Event-ID")).ifPresent(LAST_EVENT_ID::set);
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
        try (OutputStream out = res.outputStream()) {
            out.write(STREAM.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void forbidden(ServerRequest req, ServerResponse res) {
        res.status(Status.FORBIDDEN_403).send("{\"code\":\"forbidden\"}");
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    @Test
    void parsesEventsCommentsAndTheRetryHintByTheStandardsRules() throws Exception {
        Recorder recorder = new Recorder();
        try (SseClient sse = SseClient.to(uri("/stream")).lastEventId("c0").open(recorder)) {
            assertThat(sse.status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> recorder.ended.get() != null);
        }

        assertThat(LAST_EVENT_ID.get()).isEqualTo("c0");
        assertThat(recorder.retry).containsExactly(Duration.ofMillis(1500));
        assertThat(recorder.comments).containsExactly("hello");
        assertThat(recorder.events).hasSize(3);
        SseClient.Event device = recorder.events.get(0);
        assertThat(device.id()).contains("c1");
        assertThat(device.event()).isEqualTo("device");
        assertThat(device.data()).isEqualTo("{\"a\":1}");
        SseClient.Event message = recorder.events.get(1);
        assertThat(message.id()).isEmpty();
        assertThat(message.event()).isEqualTo("message");
        assertThat(message.data()).isEqualTo("line one\nline two");
        SseClient.Event alert = recorder.events.get(2);
        assertThat(alert.id()).contains("c3");
        assertThat(alert.data()).isEmpty();
        assertThat(recorder.ended.get()).isEmpty();
    }

    @Test
    void anErrorStatusComesBackWithItsBodyAndNothingIsRead() throws Exception {
        Recorder recorder = new Recorder();
        try (SseClient sse = SseClient.to(uri("/forbidden")).token("t").open(recorder)) {
            assertThat(sse.status()).isEqualTo(403);
            assertThat(sse.errorBody()).isEqualTo("{\"code\":\"forbidden\"}");
        }
        assertThat(recorder.events).isEmpty();
    }

    private static final class Recorder implements SseClient.Listener {
        final List<SseClient.Event> events = new CopyOnWriteArrayList<>();
        final List<String> comments = new CopyOnWriteArrayList<>();
        final List<Duration> retry = new CopyOnWriteArrayList<>();
        final AtomicReference<Optional<IOException>> ended = new AtomicReference<>();

        @Override
        public void event(SseClient.Event event) {
            events.add(event);
        }

        @Override
        public void comment(String text) {
            comments.add(text);
        }

        @Override
        public void retry(Duration delay) {
            retry.add(delay);
        }

        @Override
        public void ended(Optional<IOException> error) {
            ended.set(error);
        }
    }
}

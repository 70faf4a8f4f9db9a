package io.sonde.client.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.helidon.common.buffers.BufferData;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.websocket.WsRouting;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.sonde.proto.v1.Ack;
import io.sonde.proto.v1.Downlink;
import io.sonde.proto.v1.Reading;
import io.sonde.proto.v1.TelemetryBatch;
import io.sonde.proto.v1.Uplink;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Against a real Helidon WebSocket server that answers each batch with an Ack of its last seq in
 * the batch's encoding, and closes with the code a text frame {@code close:CODE} asks for.
 */
@Timeout(30)
class DeviceSocketTest {
    private static WebServer server;
    private static final List<String> AUTHORIZATION = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        server =
                WebServer.builder()
                        .host("127.0.0.1")
                        .port(0)
                        .addRouting(WsRouting.builder().endpoint("/v1/ingest", AckingGateway::new))
                        .build()
                        .start();
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    private static URI uri() {
        return URI.create("ws://127.0.0.1:" + server.port() + "/v1/ingest");
    }

    private static Uplink batch(long first, int count) {
        TelemetryBatch.Builder b = TelemetryBatch.newBuilder();
        for (int i = 0; i < count; i++) {
            b.addReadings(Reading.newBuilder().setSeq(first + i).putMetrics("t", 1));
        }
        return Uplink.newBuilder().setBatch(b).build();
    }

    @Test
    void sendsInCallOrderAndHandsEveryDownlinkToTheListenerInEitherEncoding() {
        Recorder recorder = new Recorder();
        DeviceSocket socket = DeviceSocket.to(uri()).token("secret").connect(recorder).join();
        for (int i = 0; i < 50; i++) {
            socket.send(batch(i * 10L + 1, 10));
        }
        socket.send(WireFormat.JSON.encode(batch(501, 2)));

        await().atMost(Duration.ofSeconds(10)).until(() -> recorder.acks.size() == 51);
        assertThat(recorder.acks.subList(0, 50))
                .containsExactlyElementsOf(
                        java.util.stream.IntStream.rangeClosed(1, 50)
                                .mapToObj(i -> (long) i * 10)
                                .toList());
        assertThat(recorder.acks.get(50)).isEqualTo(502L);
        assertThat(recorder.opened.get()).isEqualTo(1);
        assertThat(AUTHORIZATION).contains("Bearer secret");
        socket.close();
    }

    @Test
    void reportsTheServersCloseCodeOnce() {
        Recorder recorder = new Recorder();
        DeviceSocket socket = DeviceSocket.to(uri()).connect(recorder).join();

        socket.send(Frame.text("close:1008"));

        await().atMost(Duration.ofSeconds(10)).until(() -> !recorder.closes.isEmpty());
        socket.abort();
        assertThat(recorder.closes).containsExactly("1008 asked");
    }

    @Test
    void anAbortIsReportedAsAbnormalClosure() {
        Recorder recorder = new Recorder();
        DeviceSocket socket = DeviceSocket.to(uri()).connect(recorder).join();

        socket.abort();

        assertThat(recorder.closes).containsExactly("1006 aborted");
    }

    @Test
    void aFrameThatIsNoDownlinkIsReportedNotThrown() {
        Recorder recorder = new Recorder();
        DeviceSocket socket = DeviceSocket.to(uri()).connect(recorder).join();

        socket.send(Frame.text("garbage"));

        await().atMost(Duration.ofSeconds(10)).until(() -> !recorder.unreadable.isEmpty());
        assertThat(recorder.unreadable.get(0)).startsWith("not a Downlink");
        socket.close();
    }

    private static final class Recorder implements DeviceSocket.Listener {
        final List<Long> acks = new CopyOnWriteArrayList<>();
        final List<String> closes = new CopyOnWriteArrayList<>();
        final List<String> unreadable = new CopyOnWriteArrayList<>();
        final AtomicInteger opened = new AtomicInteger();

        @Override
        public void opened(DeviceSocket socket) {
            opened.incrementAndGet();
        }

        @Override
        public void downlink(DeviceSocket socket, Downlink downlink) {
            acks.add(downlink.getAck().getSeq());
        }

        @Override
        public void unreadable(DeviceSocket socket, String problem) {
            unreadable.add(problem);
        }

        @Override
        public void closed(DeviceSocket socket, int code, String reason) {
            closes.add(code + " " + reason);
        }
    }

    /** Acks each batch in its own encoding; {@code close:CODE} closes; other text echoes junk. */
    private static final class AckingGateway implements WsListener {
        @Override
        public java.util.Optional<io.helidon.http.Headers> onHttpUpgrade(
                io.helidon.http.HttpPrologue prologue, io.helidon.http.Headers headers) {
            headers.first(io.helidon.http.HeaderNames.AUTHORIZATION).ifPresent(AUTHORIZATION::add);
            return java.util.Optional.empty();
        }

        @Override
        public void onMessage(WsSession session, BufferData buffer, boolean last) {
            byte[] bytes = new byte[buffer.available()];
            buffer.read(bytes);
            try {
                Uplink uplink = Uplink.parseFrom(bytes);
                session.send(BufferData.create(ack(uplink).toByteArray()), true);
            } catch (InvalidProtocolBufferException e) {
                session.close(1007, "bad");
            }
        }

        @Override
        public void onMessage(WsSession session, String text, boolean last) {
            if (text.startsWith("close:")) {
                session.close(Integer.parseInt(text.substring(6)), "asked");
                return;
            }
            try {
                Uplink.Builder uplink = Uplink.newBuilder();
                JsonFormat.parser().merge(text, uplink);
                session.send(JsonFormat.printer().print(ack(uplink.build())), true);
            } catch (InvalidProtocolBufferException e) {
                session.send("{not json", true);
            }
        }

        private static Downlink ack(Uplink uplink) {
            List<Reading> readings = uplink.getBatch().getReadingsList();
            return Downlink.newBuilder()
                    .setAck(Ack.newBuilder().setSeq(readings.get(readings.size() - 1).getSeq()))
                    .build();
        }
    }
}

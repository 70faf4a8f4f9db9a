package io.sonde.testing;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.sonde.proto.v1.Downlink;
import io.sonde.proto.v1.Uplink;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A device as an outsider writes it: the JDK WebSocket client and the SPEC §4 messages, no Sonde
 * code on the sending side. Downlinks are collected in arrival order.
 */
public final class DeviceClient implements WebSocket.Listener, AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final BlockingQueue<Downlink> downlinks = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();
    private final StringBuilder text = new StringBuilder();
    private WebSocket socket;

    /** Connects to {@code ws://127.0.0.1:PORT/v1/ingest} with the token as a Bearer header. */
    public static DeviceClient connect(int port, Optional<String> token) {
        DeviceClient client = new DeviceClient();
        WebSocket.Builder builder =
                HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        token.ifPresent(t -> builder.header("Authorization", "Bearer " + t));
        client.socket =
                builder.buildAsync(URI.create("ws://127.0.0.1:" + port + "/v1/ingest"), client)
                        .join();
        return client;
    }

    public void send(Uplink uplink) {
        socket.sendBinary(ByteBuffer.wrap(uplink.toByteArray()), true).join();
    }

    public void sendBytes(byte[] bytes) {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).join();
    }

    public void sendJson(Uplink uplink) throws InvalidProtocolBufferException {
        socket.sendText(JsonFormat.printer().print(uplink), true).join();
    }

    public void sendText(String raw) {
        socket.sendText(raw, true).join();
    }

    /** The next downlink, waiting up to 30 s. */
    public Downlink next() throws InterruptedException {
        Downlink d = downlinks.poll(30, TimeUnit.SECONDS);
        if (d == null) {
            throw new AssertionError(
                    "no downlink within 30 s; close code: " + closeCode.getNow(null));
        }
        return d;
    }

    /** The close code the gateway sent, waiting up to 30 s. */
    public int awaitClose() throws Exception {
        return closeCode.get(30, TimeUnit.SECONDS);
    }

    public boolean isClosed() {
        return closeCode.isDone();
    }

    /** Drops the TCP connection without a close frame, as a device losing power would. */
    public void abort() {
        socket.abort();
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        binary.writeBytes(bytes);
        if (last) {
            try {
                downlinks.add(Downlink.parseFrom(binary.toByteArray()));
            } catch (InvalidProtocolBufferException e) {
                throw new AssertionError("gateway sent a bad Downlink", e);
            }
            binary.reset();
        }
        ws.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
            try {
                Downlink.Builder b = Downlink.newBuilder();
                JsonFormat.parser().merge(text.toString(), b);
                downlinks.add(b.build());
            } catch (InvalidProtocolBufferException e) {
                throw new AssertionError("gateway sent bad JSON: " + text, e);
            }
            text.setLength(0);
        }
        ws.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
        closeCode.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
        closeCode.complete(-1);
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        socket.abort();
    }
}

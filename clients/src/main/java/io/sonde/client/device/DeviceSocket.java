package io.sonde.client.device;

import com.google.protobuf.InvalidProtocolBufferException;
import io.sonde.proto.v1.Downlink;
import io.sonde.proto.v1.Uplink;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One device's WebSocket to the ingest gateway (docs/device-protocol.md): sends {@code Uplink}
 * messages in its {@link WireFormat}, hands every {@code Downlink} to its {@link Listener}.
 *
 * <p>Threads: the send methods may be called from any thread; sends go out in call order, each
 * after the previous one was handed to the socket (the JDK allows one outstanding send), so a
 * caller may queue several. The listener is called on the HTTP client's threads, one call at a
 * time; the next message is requested only when a call returns, so a slow listener holds back the
 * socket instead of growing a buffer.
 *
 * <p>Buffers: the message being reassembled from fragments, and the chain of queued sends.
 */
public final class DeviceSocket implements AutoCloseable {
    /** Close code reported when the connection ended without a close frame. */
    public static final int ABNORMAL_CLOSURE = 1006;

    /** What happens on one connection. */
    public interface Listener {
        /** The connection is open; sends may go out. */
        default void opened(DeviceSocket socket) {}

        /** A message from the gateway. */
        void downlink(DeviceSocket socket, Downlink downlink);

        /** A message that is not a {@code Downlink} (a broken gateway or proxy). */
        default void unreadable(DeviceSocket socket, String problem) {}

        /** The connection ended; called once, with {@link #ABNORMAL_CLOSURE} when it broke. */
        default void closed(DeviceSocket socket, int code, String reason) {}
    }

    private final WireFormat format;
    private final Listener listener;
    private final JdkListener jdk = new JdkListener();
    private final CompletableFuture<WebSocket> opened = new CompletableFuture<>();
    private final AtomicBoolean closeReported = new AtomicBoolean();
    private final Object sendLock = new Object();
    private CompletableFuture<WebSocket> lastSend;

    private DeviceSocket(WireFormat format, Listener listener) {
        this.format = format;
        this.listener = listener;
        this.lastSend = opened;
    }

    /** Starts a connection to {@code uri}, e.g. {@code ws://localhost:8081/v1/ingest}. */
    public static Builder to(URI uri) {
        return new Builder(uri);
    }

    public WireFormat format() {
        return format;
    }

    /** Sends {@code uplink} in this socket's format; completes when handed to the socket. */
    public CompletableFuture<Void> send(Uplink uplink) {
        return send(format.encode(uplink));
    }

    /** Sends a frame as it is: a pre-encoded batch, or bytes a test wants the gateway to see. */
    public CompletableFuture<Void> send(Frame frame) {
        CompletableFuture<WebSocket> sent;
        synchronized (sendLock) {
            sent = lastSend.thenCompose(frame::sendOn);
            lastSend = sent;
        }
        return sent.handle((ws, error) -> {
            if (error != null) {
                abort();
                throw new IllegalStateException("send failed: " + error.getMessage(), error);
            }
            return null;
        });
    }

    /** Starts the closing handshake after the queued sends; the listener hears the result. */
    public CompletableFuture<Void> close(int code, String reason) {
        CompletableFuture<WebSocket> sent;
        synchronized (sendLock) {
            sent = lastSend.thenCompose(ws -> ws.sendClose(code, reason));
            lastSend = sent;
        }
        return sent.thenAccept(ws -> {});
    }

    /** Drops the TCP connection without a close frame, as a device losing power would. */
    public void abort() {
        opened.thenAccept(WebSocket::abort);
        reportClosed(ABNORMAL_CLOSURE, "aborted");
    }

    /** A normal close (1000) that does not wait. */
    @Override
    public void close() {
        close(WebSocket.NORMAL_CLOSURE, "bye");
    }

    private void reportClosed(int code, String reason) {
        if (closeReported.compareAndSet(false, true)) {
            listener.closed(this, code, reason);
        }
    }

    /** Builds and opens a {@link DeviceSocket}. */
    public static final class Builder {
        private final URI uri;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private WireFormat format = WireFormat.PROTOBUF;
        private HttpClient http;
        private Duration connectTimeout = Duration.ofSeconds(10);

        private Builder(URI uri) {
            this.uri = uri;
        }

        /** The device token, sent as {@code Authorization: Bearer}. */
        public Builder token(String token) {
            return header("Authorization", "Bearer " + token);
        }

        public Builder header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        public Builder format(WireFormat wireFormat) {
            this.format = wireFormat;
            return this;
        }

        /** The HTTP client to connect with; by default a new one per socket. */
        public Builder http(HttpClient client) {
            this.http = client;
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        /**
         * Opens the connection.
         *
         * @return completes with the open socket, or exceptionally when the handshake fails (a
         *     {@code WebSocketHandshakeException} carries the gateway's HTTP status)
         */
        public CompletableFuture<DeviceSocket> connect(Listener listener) {
            DeviceSocket socket = new DeviceSocket(format, listener);
            HttpClient client = http != null ? http : HttpClient.newHttpClient();
            WebSocket.Builder ws = client.newWebSocketBuilder().connectTimeout(connectTimeout);
            headers.forEach(ws::header);
            return ws.buildAsync(uri, socket.jdk)
                    .whenComplete((w, error) -> {
                        if (error != null) {
                            socket.opened.completeExceptionally(error);
                        }
                    })
                    .thenApply(w -> socket);
        }
    }

    /** The JDK side: reassembles frames and forwards events. */
    private final class JdkListener implements WebSocket.Listener {
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();
        private final StringBuilder text = new StringBuilder();

        @Override
        public void onOpen(WebSocket webSocket) {
            opened.complete(webSocket);
            listener.opened(DeviceSocket.this);
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            binary.writeBytes(chunk);
            if (last) {
                byte[] message = binary.toByteArray();
                binary.reset();
                try {
                    listener.downlink(DeviceSocket.this, WireFormat.decodeBinary(message));
                } catch (InvalidProtocolBufferException e) {
                    listener.unreadable(DeviceSocket.this, "not a Downlink: " + e.getMessage());
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String message = text.toString();
                text.setLength(0);
                try {
                    listener.downlink(DeviceSocket.this, WireFormat.decodeText(message));
                } catch (InvalidProtocolBufferException e) {
                    listener.unreadable(DeviceSocket.this, "not a Downlink: " + e.getMessage());
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            reportClosed(statusCode, reason);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            reportClosed(ABNORMAL_CLOSURE, String.valueOf(error));
        }
    }
}

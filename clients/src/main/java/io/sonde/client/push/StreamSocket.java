package io.sonde.client.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The push gateway's WebSocket, {@code /v1/ws} (docs/streams.md), as a dashboard or program uses
 * it: JSON ops out ({@code subscribe}, {@code unsubscribe}, {@code ping}, {@code refresh}), JSON
 * messages in ({@code subscribed}, {@code event}, {@code gap}, {@code error}, {@code pong}, ...).
 *
 * <p>Threads: messages arrive on the JDK client's threads, one at a time, in order; the listener
 * must be quick. Sends may come from any thread; they go out one at a time. Buffers: the fragments
 * of the message being received.
 */
public final class StreamSocket implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    /** What the socket carries. */
    public interface Listener {
        /** One server message, parsed; {@code op} says which. */
        void message(JsonNode message);

        /** The server closed the connection with {@code code}, or it broke (1006). */
        default void closed(int code, String reason) {}
    }

    private final WebSocket socket;
    private final ReentrantLock sending = new ReentrantLock();

    private StreamSocket(WebSocket socket) {
        this.socket = socket;
    }

    /**
     * Connects and waits for the handshake.
     *
     * @param uri e.g. {@code ws://localhost:8080/v1/ws?access_token=...}
     */
    public static StreamSocket connect(HttpClient http, URI uri, Listener listener) {
        try {
            WebSocket ws =
                    http.newWebSocketBuilder()
                            .connectTimeout(Duration.ofSeconds(30))
                            .buildAsync(uri, new Receiver(listener))
                            .get(30, TimeUnit.SECONDS);
            return new StreamSocket(ws);
        } catch (Exception e) {
            throw new IllegalStateException("could not connect to " + uri.getPath() + ": " + e, e);
        }
    }

    /** Subscribes to {@code channel} from now, after its current state when {@code snapshot}. */
    public void subscribe(String channel, boolean snapshot) {
        ObjectNode op = JSON.createObjectNode().put("op", "subscribe").put("channel", channel);
        send(op.put("snapshot", snapshot).toString());
    }

    /** Subscribes to {@code channel} right after the event that carried {@code cursor}. */
    public void resume(String channel, String cursor) {
        ObjectNode op = JSON.createObjectNode().put("op", "subscribe").put("channel", channel);
        send(op.put("cursor", cursor).toString());
    }

    public void unsubscribe(String channel) {
        send(JSON.createObjectNode().put("op", "unsubscribe").put("channel", channel).toString());
    }

    public void ping() {
        send("{\"op\":\"ping\"}");
    }

    /** Any text message, e.g. a malformed op in a test. */
    public void send(String text) {
        sending.lock();
        try {
            socket.sendText(text, true).get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new UncheckedIOException(new java.io.IOException("send failed: " + e, e));
        } finally {
            sending.unlock();
        }
    }

    /** Drops the connection without a close frame. */
    public void abort() {
        socket.abort();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        socket.abort();
    }

    private static final class Receiver implements WebSocket.Listener {
        private final Listener listener;
        private final StringBuilder text = new StringBuilder();

        Receiver(Listener listener) {
            this.listener = listener;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String message = text.toString();
                text.setLength(0);
                try {
                    listener.message(JSON.readTree(message));
                } catch (Exception e) {
                    listener.message(
                            JSON.createObjectNode().put("op", "unreadable").put("text", message));
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket ws, ByteBuffer message) {
            ws.request(1);
            return null; // the JDK client answers pings itself
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            listener.closed(code, reason);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            listener.closed(1006, String.valueOf(error));
        }
    }
}

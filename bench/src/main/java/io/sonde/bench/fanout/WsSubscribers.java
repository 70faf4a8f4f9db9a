package io.sonde.bench.fanout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * WebSocket subscribers with the JDK client (no extensions, so no compression): each text message
 * handed to {@link Deliveries}. Ready once the handshake completed.
 */
final class WsSubscribers implements Subscribers {
    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
    private final Queue<WebSocket> sockets = new ConcurrentLinkedQueue<>();
    private final AtomicInteger ready = new AtomicInteger();
    private final AtomicInteger ended = new AtomicInteger();

    WsSubscribers(URI uri, int count, Deliveries sink) {
        for (int i = 0; i < count; i++) {
            client.newWebSocketBuilder()
                    .connectTimeout(Duration.ofSeconds(30))
                    .buildAsync(uri, new Listener(sink))
                    .whenComplete((ws, e) -> {
                        if (e == null) {
                            sockets.add(ws);
                        } else {
                            ended.incrementAndGet();
                        }
                    });
        }
    }

    @Override
    public int ready() {
        return ready.get() - ended.get();
    }

    @Override
    public int ended() {
        return ended.get();
    }

    @Override
    public void close() {
        sockets.forEach(WebSocket::abort);
        client.shutdownNow();
    }

    /** One subscriber; text messages may arrive in parts. */
    private final class Listener implements WebSocket.Listener {
        private final Deliveries sink;
        private final StringBuilder parts = new StringBuilder();

        Listener(Deliveries sink) {
            this.sink = sink;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            ready.incrementAndGet();
            webSocket.request(Long.MAX_VALUE);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            if (!last) {
                parts.append(data);
            } else if (parts.isEmpty()) {
                sink.received(data);
            } else {
                sink.received(parts.append(data));
                parts.setLength(0);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            ended.incrementAndGet();
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            ended.incrementAndGet();
        }
    }
}

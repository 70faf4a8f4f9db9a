package io.sonde.bench.fanout;

import io.sonde.client.push.SseClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * SSE subscribers on the project's {@link SseClient} (HTTP/1.1, no compression asked for): one
 * stream per subscriber, each event's data handed to {@link Deliveries}. A stream counts as ready
 * at the server's {@code retry:} hint, which it writes after subscribing to the hub.
 */
final class SseSubscribers implements Subscribers {
    private final HttpClient client;
    private final List<SseClient> streams = new CopyOnWriteArrayList<>();
    private final AtomicInteger ready = new AtomicInteger();
    private final AtomicInteger ended = new AtomicInteger();

    SseSubscribers(URI events, String token, int count, Deliveries sink) {
        this.client =
                HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(30))
                        .build();
        SseClient.Listener listener =
                new SseClient.Listener() {
                    @Override
                    public void event(SseClient.Event event) {
                        sink.received(event.data());
                    }

                    @Override
                    public void retry(Duration delay) {
                        ready.incrementAndGet();
                    }

                    @Override
                    public void ended(Optional<IOException> error) {
                        ended.incrementAndGet();
                    }
                };
        // Opening waits for the response headers: one virtual thread per stream opens them all
        // at once, as independent dashboards would.
        for (int i = 0; i < count; i++) {
            Thread.ofVirtual()
                    .start(() -> {
                        try {
                            SseClient sse =
                                    SseClient.to(events).http(client).token(token).open(listener);
                            if (sse.status() == 200) {
                                streams.add(sse);
                            } else {
                                ended.incrementAndGet();
                            }
                        } catch (IOException e) {
                            ended.incrementAndGet();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
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
        streams.forEach(SseClient::close);
        client.shutdownNow();
    }
}

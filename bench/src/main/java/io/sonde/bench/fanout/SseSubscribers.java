package io.sonde.bench.fanout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * SSE subscribers with the JDK HTTP client (HTTP/1.1, no compression asked for): one stream per
 * subscriber, each {@code data:} line handed to {@link Deliveries}. A stream counts as ready at its
 * first line (the server's {@code retry:} hint, written after it subscribed to the hub).
 */
final class SseSubscribers implements Subscribers {
    private final HttpClient client;
    private final List<CompletableFuture<?>> streams = new ArrayList<>();
    private final List<Lines> subscribers = new ArrayList<>();
    private final AtomicInteger ready = new AtomicInteger();
    private final AtomicInteger ended = new AtomicInteger();

    SseSubscribers(URI events, String token, int count, Deliveries sink) {
        this.client =
                HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(30))
                        .build();
        HttpRequest request =
                HttpRequest.newBuilder(events)
                        .header("Authorization", "Bearer " + token)
                        .header("Accept", "text/event-stream")
                        .build();
        for (int i = 0; i < count; i++) {
            Lines lines = new Lines(sink);
            subscribers.add(lines);
            streams.add(
                    client.sendAsync(request, HttpResponse.BodyHandlers.fromLineSubscriber(lines))
                            .whenComplete((r, e) -> ended.incrementAndGet()));
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
        subscribers.forEach(Lines::cancel);
        streams.forEach(s -> s.cancel(true));
        client.shutdownNow();
    }

    /** One stream's lines. */
    private final class Lines implements Flow.Subscriber<String> {
        private final Deliveries sink;
        private volatile Flow.Subscription subscription;
        private boolean seen;

        Lines(Deliveries sink) {
            this.sink = sink;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            if (!seen) {
                seen = true;
                ready.incrementAndGet();
            }
            if (line.startsWith("data:")) {
                sink.received(line);
            }
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onComplete() {}

        void cancel() {
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
        }
    }
}

package io.sonde.testing;

import io.sonde.client.push.SseClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * An SSE stream for tests: the project's {@link SseClient} with everything it carries recorded in
 * order (events, comments, the retry hint), so that a test can wait for what a dashboard would see.
 */
public final class SseRecording implements SseClient.Listener, AutoCloseable {
    private final List<SseClient.Event> events = new ArrayList<>();
    private final List<String> comments = new ArrayList<>();
    private final List<String> timeline = new ArrayList<>();
    private volatile Optional<Duration> retry = Optional.empty();
    private volatile boolean ended;
    private SseClient client;

    private SseRecording() {}

    /** Subscribes to {@code channels} on the push gateway on 127.0.0.1:{@code port}. */
    public static SseRecording open(int port, String token, String... channels) {
        return open(SseClient.to(events(port, channels)).token(token));
    }

    /** Opens a fully set-up request (headers, cursor). */
    public static SseRecording open(SseClient.Builder builder) {
        SseRecording recording = new SseRecording();
        try {
            recording.client = builder.open(recording);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return recording;
    }

    /** {@code /v1/events?channel=...} on 127.0.0.1:{@code port}. */
    public static URI events(int port, String... channels) {
        StringBuilder query = new StringBuilder();
        for (String c : channels) {
            query.append(query.isEmpty() ? "?" : "&")
                    .append("channel=")
                    .append(URLEncoder.encode(c, StandardCharsets.UTF_8));
        }
        return URI.create("http://127.0.0.1:" + port + "/v1/events" + query);
    }

    public int status() {
        return client.status();
    }

    public Optional<String> header(String name) {
        return client.headers().firstValue(name);
    }

    /** The body of a non-200 answer. */
    public String errorBody() {
        return client.errorBody();
    }

    /** Waits up to {@code timeout} for an event matching {@code match}, seen before or after. */
    public SseClient.Event await(Predicate<SseClient.Event> match, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            int checked = 0;
            while (true) {
                for (; checked < events.size(); checked++) {
                    if (match.test(events.get(checked))) {
                        return events.get(checked);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError(
                            "no matching event within " + timeout + "; seen: " + events);
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }
    }

    public synchronized List<SseClient.Event> events() {
        return List.copyOf(events);
    }

    public synchronized List<SseClient.Event> events(String name) {
        return events.stream().filter(e -> e.event().equals(name)).toList();
    }

    public synchronized List<String> comments() {
        return List.copyOf(comments);
    }

    /** What arrived, in order: {@code retry:MS}, {@code :comment}, {@code event:NAME}. */
    public synchronized List<String> timeline() {
        return List.copyOf(timeline);
    }

    public Optional<Duration> retry() {
        return retry;
    }

    /** The server ended the stream. */
    public boolean ended() {
        return ended;
    }

    @Override
    public synchronized void event(SseClient.Event event) {
        events.add(event);
        timeline.add("event:" + event.event());
        notifyAll();
    }

    @Override
    public synchronized void comment(String text) {
        comments.add(text);
        timeline.add(":" + text);
        notifyAll();
    }

    @Override
    public synchronized void retry(Duration delay) {
        retry = Optional.of(delay);
        timeline.add("retry:" + delay.toMillis());
    }

    @Override
    public synchronized void ended(Optional<IOException> error) {
        ended = true;
        notifyAll();
    }

    @Override
    public void close() {
        client.close();
    }
}

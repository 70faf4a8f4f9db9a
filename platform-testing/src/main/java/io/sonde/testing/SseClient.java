package io.sonde.testing;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * An EventSource as a dashboard or program uses it: {@code GET /v1/events} with the JDK HTTP
 * client, parsed per the SSE format. Events are collected in arrival order.
 */
public final class SseClient implements AutoCloseable {
    /** One server-sent event. */
    public record Event(String id, String event, String data) {}

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final List<Event> seen = new ArrayList<>();
    private final CompletableFuture<HttpResponse<Stream<String>>> response;
    private final CompletableFuture<Void> reader;

    private SseClient(URI uri, String token) {
        HttpRequest request =
                HttpRequest.newBuilder(uri)
                        .header("Accept", "text/event-stream")
                        .header("Authorization", "Bearer " + token)
                        .build();
        this.response = HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofLines());
        this.reader = response.thenAcceptAsync(r -> read(r.body()));
    }

    /** Subscribes to {@code channels} on the push gateway at {@code port}. */
    public static SseClient open(int port, String token, String... channels) {
        StringBuilder query = new StringBuilder();
        for (String c : channels) {
            query.append(query.isEmpty() ? "?" : "&")
                    .append("channel=")
                    .append(URLEncoder.encode(c, StandardCharsets.UTF_8));
        }
        return new SseClient(URI.create("http://127.0.0.1:" + port + "/v1/events" + query), token);
    }

    /** The HTTP status of the response. */
    public int status() throws Exception {
        return response.get(30, TimeUnit.SECONDS).statusCode();
    }

    /** Waits up to {@code timeout} for an event matching {@code match}, seen before or after. */
    public Event await(Predicate<Event> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (seen) {
            int checked = 0;
            while (true) {
                for (; checked < seen.size(); checked++) {
                    if (match.test(seen.get(checked))) {
                        return seen.get(checked);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError(
                            "no matching event within " + timeout + "; seen: " + seen);
                }
                TimeUnit.NANOSECONDS.timedWait(seen, left);
            }
        }
    }

    /** Every event received so far. */
    public List<Event> seen() {
        synchronized (seen) {
            return List.copyOf(seen);
        }
    }

    @Override
    public void close() {
        response.thenAccept(r -> r.body().close());
        reader.cancel(true);
    }

    private void read(Stream<String> lines) {
        String[] field = {null, "message", null};
        StringBuilder data = new StringBuilder();
        lines.forEach(line -> {
            if (line.isEmpty()) {
                if (!data.isEmpty()) {
                    Event e = new Event(field[0], field[1], data.toString());
                    synchronized (seen) {
                        seen.add(e);
                        seen.notifyAll();
                    }
                }
                data.setLength(0);
                field[1] = "message";
            } else if (line.startsWith("data:")) {
                data.append(data.isEmpty() ? "" : "\n").append(line.substring(5).stripLeading());
            } else if (line.startsWith("event:")) {
                field[1] = line.substring(6).trim();
            } else if (line.startsWith("id:")) {
                field[0] = line.substring(3).trim();
            }
        });
    }
}

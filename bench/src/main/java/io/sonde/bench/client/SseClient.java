package io.sonde.bench.client;

import io.sonde.bench.BenchException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A dashboard's Server-Sent Events stream read by a virtual thread: parses the {@code event:} /
 * {@code data:} fields (WHATWG "server-sent events") and hands each complete event to the listener
 * with the time its last line arrived.
 *
 * <p>Threading: the listener is called on this client's reader thread, one event at a time; it must
 * be quick. {@link #close()} ends the stream and the thread.
 */
public final class SseClient implements AutoCloseable {

    /** Receives complete events. */
    @FunctionalInterface
    public interface Listener {
        void event(String name, String data, long receivedNanos);
    }

    private final Thread reader;
    private final AtomicLong events = new AtomicLong();
    private volatile InputStream body;
    private volatile boolean closed;

    private SseClient(Thread reader) {
        this.reader = reader;
    }

    /**
     * Connects and waits for the response headers (200 expected), then reads on a virtual thread.
     *
     * @throws BenchException when the server answers other than 200 or cannot be reached
     */
    public static SseClient open(HttpClient http, URI uri, String token, Listener listener) {
        HttpRequest request =
                HttpRequest.newBuilder(uri)
                        .header("Accept", "text/event-stream")
                        .header("Authorization", "Bearer " + token)
                        .timeout(Duration.ofSeconds(30))
                        .build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new BenchException("cannot open " + uri, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted opening " + uri, e);
        }
        if (response.statusCode() != 200) {
            throw new BenchException("SSE " + uri + " answered " + response.statusCode());
        }
        SseClient[] self = new SseClient[1];
        Thread t = Thread.ofVirtual().unstarted(() -> self[0].read(listener));
        self[0] = new SseClient(t);
        self[0].body = response.body();
        t.start();
        return self[0];
    }

    /** Events received so far. */
    public long events() {
        return events.get();
    }

    private void read(Listener listener) {
        String name = "message";
        StringBuilder data = new StringBuilder();
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        events.incrementAndGet();
                        listener.event(name, data.toString(), System.nanoTime());
                    }
                    name = "message";
                    data.setLength(0);
                } else if (line.startsWith("event:")) {
                    name = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    if (!data.isEmpty()) {
                        data.append('\n');
                    }
                    data.append(line.substring(line.length() > 5 && line.charAt(5) == ' ' ? 6 : 5));
                }
            }
        } catch (IOException e) {
            if (!closed) {
                System.getLogger(SseClient.class.getName())
                        .log(System.Logger.Level.WARNING, "SSE stream ended: " + e);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        try {
            body.close();
        } catch (IOException e) {
            // Closing a broken stream: nothing left to release.
        }
        reader.join(Duration.ofSeconds(10));
    }
}

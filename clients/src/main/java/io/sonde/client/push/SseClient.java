package io.sonde.client.push;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A server-sent events stream as a dashboard or program reads it (docs/streams.md): {@code GET}
 * with {@code Accept: text/event-stream}, parsed by the WHATWG rules (fields {@code id}, {@code
 * event}, {@code data}, {@code retry}, comment lines, an event per blank line).
 *
 * <p>Threads: {@link Builder#open} waits for the response headers; a 200 stream is then read by one
 * virtual thread, which calls the listener one event at a time, in stream order. The listener must
 * be quick: the stream is not read while it runs. Buffers: the event being parsed.
 *
 * <p>Reconnecting is the caller's choice: open again with {@link Builder#lastEventId}.
 */
public final class SseClient implements AutoCloseable {
    /**
     * One event.
     *
     * @param id its {@code id:} field, the cursor to resume after it; empty for events without
     * @param event its {@code event:} field, {@code message} when absent
     * @param data its {@code data:} lines joined by newlines
     * @param receivedNanos {@link System#nanoTime()} when its last line arrived
     */
    public record Event(Optional<String> id, String event, String data, long receivedNanos) {}

    /** What the stream carries. */
    public interface Listener {
        void event(Event event);

        /** A comment line (the text after {@code :}), e.g. a heartbeat. */
        default void comment(String text) {}

        /** A {@code retry:} hint. */
        default void retry(Duration delay) {}

        /** The stream ended: the server closed it (empty) or reading failed. */
        default void ended(Optional<IOException> error) {}
    }

    private final HttpResponse<InputStream> response;
    private final String errorBody;
    private volatile boolean closed;

    private SseClient(HttpResponse<InputStream> response, String errorBody) {
        this.response = response;
        this.errorBody = errorBody;
    }

    /** A stream from {@code uri}, e.g. {@code http://localhost:8080/v1/events?channel=devices}. */
    public static Builder to(URI uri) {
        return new Builder(uri);
    }

    /** The HTTP status: 200 for a stream, else an error whose body is {@link #errorBody()}. */
    public int status() {
        return response.statusCode();
    }

    public HttpHeaders headers() {
        return response.headers();
    }

    /** The body of a non-200 answer, e.g. {@code {"code":"forbidden",...}}; empty for a stream. */
    public String errorBody() {
        return errorBody;
    }

    /** Ends the stream; the listener hears {@code ended}. */
    @Override
    public void close() {
        closed = true;
        try {
            response.body().close();
        } catch (IOException e) {
            // Closing a broken stream: nothing left to release.
        }
    }

    private void read(Listener listener) {
        Optional<IOException> error = Optional.empty();
        try (BufferedReader in =
                new BufferedReader(
                        new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            EventParser parser = new EventParser(listener);
            String line;
            while ((line = in.readLine()) != null) {
                parser.line(line);
            }
        } catch (IOException | UncheckedIOException e) {
            if (!closed) {
                error =
                        Optional.of(
                                e instanceof IOException io
                                        ? io
                                        : ((UncheckedIOException) e).getCause());
            }
        }
        listener.ended(error);
    }

    /** Builds and opens an {@link SseClient}. */
    public static final class Builder {
        private final URI uri;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private HttpClient http;
        private Duration connectTimeout = Duration.ofSeconds(30);

        private Builder(URI uri) {
            this.uri = uri;
            headers.put("Accept", "text/event-stream");
        }

        /** The viewer token, sent as {@code Authorization: Bearer}. */
        public Builder token(String token) {
            return header("Authorization", "Bearer " + token);
        }

        /** Resumes after the event with this id ({@code Last-Event-ID}). */
        public Builder lastEventId(String id) {
            return header("Last-Event-ID", id);
        }

        public Builder header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        /** The HTTP client; by default a new HTTP/1.1 one per stream. */
        public Builder http(HttpClient client) {
            this.http = client;
            return this;
        }

        /** How long to wait for the response headers. */
        public Builder timeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        /**
         * Sends the request and waits for the response headers. A 200 stream is read from then on;
         * any other status is returned with its body and nothing more is read.
         *
         * @throws IOException when the server cannot be reached
         */
        public SseClient open(Listener listener) throws IOException, InterruptedException {
            HttpClient client =
                    http != null
                            ? http
                            : HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(connectTimeout).GET();
            headers.forEach(request::header);
            HttpResponse<InputStream> response =
                    client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                try (InputStream body = response.body()) {
                    String text = new String(body.readAllBytes(), StandardCharsets.UTF_8);
                    return new SseClient(response, text);
                }
            }
            SseClient sse = new SseClient(response, "");
            Thread.ofVirtual().name("sonde-sse-client").start(() -> sse.read(listener));
            return sse;
        }
    }
}

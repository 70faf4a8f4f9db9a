package io.sonde.push;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/** A minimal EventSource for tests: JDK HttpClient, parsing the stream line by line. */
final class SseTestClient implements AutoCloseable {
    record Event(String id, String name, String data) {}

    private final HttpResponse<InputStream> response;
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final List<String> comments = new CopyOnWriteArrayList<>();
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final AtomicReference<String> retry = new AtomicReference<>();
    private volatile boolean ended;

    private SseTestClient(HttpResponse<InputStream> response) {
        this.response = response;
        if (response.statusCode() == 200) {
            Thread.ofVirtual().start(this::read);
        }
    }

    static SseTestClient open(HttpClient client, URI uri) throws Exception {
        HttpRequest request =
                HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").GET().build();
        return new SseTestClient(client.send(request, HttpResponse.BodyHandlers.ofInputStream()));
    }

    int status() {
        return response.statusCode();
    }

    Optional<String> header(String name) {
        return response.headers().firstValue(name);
    }

    List<Event> events() {
        return List.copyOf(events);
    }

    List<Event> events(String name) {
        return events.stream().filter(e -> e.name().equals(name)).toList();
    }

    List<String> comments() {
        return List.copyOf(comments);
    }

    /** Every line received, in order: to check what came first. */
    List<String> lines() {
        return List.copyOf(lines);
    }

    Optional<String> retry() {
        return Optional.ofNullable(retry.get());
    }

    /** The server ended the stream. */
    boolean ended() {
        return ended;
    }

    @Override
    public void close() throws IOException {
        response.body().close();
    }

    private void read() {
        try (BufferedReader reader =
                new BufferedReader(
                        new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String id = null;
            String name = "message";
            StringBuilder data = null;
            String line;
            while ((line = reader.readLine()) != null) {
                lines.add(line);
                if (line.isEmpty()) {
                    if (data != null) {
                        events.add(new Event(id, name, data.toString()));
                    }
                    id = null;
                    name = "message";
                    data = null;
                } else if (line.startsWith(":")) {
                    comments.add(line.substring(1).trim());
                } else {
                    String field = line.contains(":") ? line.substring(0, line.indexOf(':')) : line;
                    String value = line.contains(":") ? line.substring(line.indexOf(':') + 1) : "";
                    value = value.startsWith(" ") ? value.substring(1) : value;
                    switch (field) {
                        case "id" -> id = value;
                        case "event" -> name = value;
                        case "retry" -> retry.set(value);
                        case "data" ->
                                data =
                                        data == null
                                                ? new StringBuilder(value)
                                                : data.append('\n').append(value);
                        default -> {}
                    }
                }
            }
            ended = true;
        } catch (IOException e) {
            // closed by the test
        }
    }
}

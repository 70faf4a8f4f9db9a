package io.sonde.client.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The push gateway's long-poll, {@code GET /v1/poll} (docs/streams.md): one call per answer; the
 * caller chains them by passing each answer's cursor to the next. Thread-safe.
 */
public final class PollClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One event of an answer.
     *
     * @param data the event's JSON, as text
     */
    public record Event(String channel, String id, String event, String data) {}

    /**
     * An answer: a 200 with events and the cursor to poll from next, or an error.
     *
     * @param body the JSON body as received
     */
    public record Answer(int status, List<Event> events, Optional<String> cursor, String body) {}

    private final HttpClient http;
    private final URI base;
    private final String token;

    /**
     * @param base e.g. {@code http://localhost:8080}
     */
    public PollClient(HttpClient http, URI base, String token) {
        this.http = http;
        this.base = base;
        this.token = token;
    }

    /**
     * One poll.
     *
     * @param extra further query parameters, already encoded, e.g. {@code snapshot=false}
     */
    public Answer poll(
            List<String> channels, Optional<String> cursor, int waitSeconds, String... extra)
            throws IOException, InterruptedException {
        StringBuilder q = new StringBuilder("/v1/poll?wait=").append(waitSeconds);
        for (String c : channels) {
            q.append("&channel=").append(URLEncoder.encode(c, StandardCharsets.UTF_8));
        }
        cursor.ifPresent(c -> q.append("&cursor=").append(c));
        for (String e : extra) {
            q.append('&').append(e);
        }
        HttpRequest req =
                HttpRequest.newBuilder(base.resolve(q.toString()))
                        .header("Authorization", "Bearer " + token)
                        .timeout(Duration.ofSeconds(waitSeconds + 30L))
                        .GET()
                        .build();
        HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() != 200) {
            return new Answer(res.statusCode(), List.of(), Optional.empty(), res.body());
        }
        JsonNode body = JSON.readTree(res.body());
        List<Event> events = new ArrayList<>();
        for (JsonNode e : body.path("events")) {
            events.add(
                    new Event(
                            e.path("channel").asText(),
                            e.path("id").asText(),
                            e.path("event").asText(),
                            e.path("data").toString()));
        }
        return new Answer(200, events, Optional.of(body.path("cursor").asText()), res.body());
    }
}

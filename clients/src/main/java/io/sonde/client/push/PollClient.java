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
    // Above the longest wait the gateway allows (60 s).
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(90);

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
     * The first poll of a chain, without a cursor.
     *
     * @param extra further query parameters, already encoded, e.g. {@code snapshot=false}
     */
    public Answer poll(List<String> channels, int waitSeconds, String... extra)
            throws IOException, InterruptedException {
        return send(query(channels, waitSeconds, extra));
    }

    /** A poll that resumes right after {@code cursor}, the cursor of the answer before. */
    public Answer pollFrom(String cursor, List<String> channels, int waitSeconds, String... extra)
            throws IOException, InterruptedException {
        return send(query(channels, waitSeconds, extra).append("&cursor=").append(cursor));
    }

    private static StringBuilder query(List<String> channels, int waitSeconds, String... extra) {
        StringBuilder q = new StringBuilder("/v1/poll?wait=").append(waitSeconds);
        for (String c : channels) {
            q.append("&channel=").append(URLEncoder.encode(c, StandardCharsets.UTF_8));
        }
        for (String e : extra) {
            q.append('&').append(e);
        }
        return q;
    }

    private Answer send(StringBuilder q) throws IOException, InterruptedException {
        HttpRequest req =
                HttpRequest.newBuilder(base.resolve(q.toString()))
                        .header("Authorization", "Bearer " + token)
                        .timeout(REQUEST_TIMEOUT)
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

package io.sonde.stream.query;

import io.sonde.platform.http.ApiException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Asks another processor instance for what only it holds, with the caller's own token (the peer
 * checks it again). Thread-safe; one HTTP client per instance.
 */
final class PeerClient {
    /** The query parameter that tells a peer to answer from its own stores only. */
    static final String LOCAL = "local";

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final HttpClient http =
            HttpClient.newBuilder()
                    .connectTimeout(TIMEOUT)
                    .version(HttpClient.Version.HTTP_1_1)
                    .build();

    /**
     * One peer's answer.
     *
     * @param status its HTTP status
     * @param body its body
     */
    record Answer(int status, String body) {}

    /**
     * {@code GET pathAndQuery} on {@code peer}, with {@code local=true} added.
     *
     * @throws ApiException 503 when the peer cannot be reached
     */
    Answer get(HostInfo peer, String pathAndQuery, Optional<String> authorization)
            throws ApiException {
        String sep = pathAndQuery.contains("?") ? "&" : "?";
        URI uri =
                URI.create(
                        "http://"
                                + peer.host()
                                + ":"
                                + peer.port()
                                + pathAndQuery
                                + sep
                                + LOCAL
                                + "=true");
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET();
        authorization.ifPresent(a -> request.header("Authorization", a));
        try {
            HttpResponse<String> r =
                    http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body());
        } catch (IOException e) {
            throw ApiException.unavailable(
                    "instance " + peer.host() + ":" + peer.port() + " did not answer: " + e, 1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("interrupted", 1);
        }
    }
}

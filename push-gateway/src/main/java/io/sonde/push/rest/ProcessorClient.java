package io.sonde.push.rest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * The push gateway's one client of the stream processor's API (docs/rest.md), which answers for
 * every device from any instance. Requests carry the caller's token as a bearer header, never in
 * the URL, so that no access log prints it.
 *
 * <p>Thread-safe; one JDK HTTP client per gateway.
 */
public final class ProcessorClient {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    /**
     * A processor answer.
     *
     * @param retryAfter the {@code Retry-After} header, if any
     */
    public record Answer(
            int status, String contentType, byte[] body, Optional<String> retryAfter) {}

    private final URI base;
    private final HttpClient http;

    /**
     * @param base the processor's base URL, e.g. {@code http://127.0.0.1:8082}
     */
    public ProcessorClient(URI base) {
        this.base = base;
        this.http =
                HttpClient.newBuilder()
                        .connectTimeout(CONNECT_TIMEOUT)
                        .version(HttpClient.Version.HTTP_1_1)
                        .build();
    }

    public URI base() {
        return base;
    }

    /**
     * Sends one request.
     *
     * @param pathAndQuery e.g. {@code /v1/alerts?state=all}
     * @param token the caller's token, forwarded as a bearer header; an empty string for none
     * @param body the request body, null for none
     * @throws IOException when the processor cannot be reached
     */
    public Answer send(String method, String pathAndQuery, String token, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.Builder req =
                HttpRequest.newBuilder(base.resolve(pathAndQuery))
                        .timeout(REQUEST_TIMEOUT)
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (!token.isEmpty()) {
            req.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            req.header("Content-Type", "application/json");
        }
        HttpResponse<byte[]> res = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Answer(
                res.statusCode(),
                res.headers().firstValue("Content-Type").orElse("application/json"),
                res.body(),
                res.headers().firstValue("Retry-After"));
    }
}

package io.sonde.push.rest;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.sonde.platform.http.ApiErrors;
import io.sonde.platform.http.ApiException;
import io.sonde.platform.security.BearerTokens;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The REST routes whose answers live in the stream processor's state (docs/rest.md): a device's
 * window history, alerts, and alert rules. The gateway passes each request on to the processor with
 * the caller's token and answers with what it answered; the processor checks the token (viewer for
 * reads, admin for rule changes) and validates rules, so both ports behave the same. When the
 * processor does not answer, the gateway says so: 503 {@code unavailable} with {@code Retry-After}.
 */
public final class ProcessorHttpService implements HttpService {
    /** Where the service is registered. */
    public static final String PATH = "/v1";

    /** Largest rule body passed on; the processor's own limit (16 KiB) is smaller. */
    static final int MAX_BODY_BYTES = 64 * 1024;

    private static final System.Logger LOG = System.getLogger(ProcessorHttpService.class.getName());

    private final ProcessorClient processor;

    public ProcessorHttpService(ProcessorClient processor) {
        this.processor = processor;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/devices/{id}/aggregates", this::forward)
                .get("/alerts", this::forward)
                .get("/rules", this::forward)
                .get("/rules/{id}", this::forward)
                .put("/rules/{id}", this::forward)
                .delete("/rules/{id}", this::forward);
    }

    private void forward(ServerRequest req, ServerResponse res) {
        try {
            byte[] body = null;
            if (req.content().hasEntity()) {
                body = req.content().inputStream().readNBytes(MAX_BODY_BYTES + 1);
                if (body.length > MAX_BODY_BYTES) {
                    ApiErrors.send(
                            res,
                            Status.REQUEST_ENTITY_TOO_LARGE_413,
                            "too_large",
                            "the body is larger than " + MAX_BODY_BYTES + " bytes");
                    return;
                }
            }
            String token = BearerTokens.find(req.headers(), req.query()).orElse("");
            ProcessorClient.Answer answer =
                    processor.send(req.prologue().method().text(), target(req), token, body);
            res.status(Status.create(answer.status()));
            res.header(HeaderNames.CONTENT_TYPE, answer.contentType());
            answer.retryAfter().ifPresent(v -> res.header(HeaderNames.RETRY_AFTER, v));
            res.send(answer.body());
        } catch (IOException e) {
            LOG.log(Level.WARNING, () -> "stream processor at " + processor.base() + ": " + e);
            ApiErrors.send(
                    res,
                    ApiException.unavailable(
                            "the stream processor does not answer; retry in a second", 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The path and query as asked, without {@code access_token}: the token goes as a header. */
    static String target(ServerRequest req) {
        String path = req.path().absolute().rawPath();
        Map<String, List<String>> query = req.query().toMap();
        String rest =
                query.entrySet().stream()
                        .filter(e -> !e.getKey().equals(BearerTokens.QUERY_PARAM))
                        .flatMap(e ->
                                e.getValue().stream()
                                        .map(v -> encode(e.getKey()) + "=" + encode(v)))
                        .collect(Collectors.joining("&"));
        return rest.isEmpty() ? path : path + "?" + rest;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}

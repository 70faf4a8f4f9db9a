package io.sonde.platform.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

/** Error answers as docs/errors.md spells them: {@code {"code","message"[,"field"]}}. */
public final class ApiErrors {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ApiErrors() {}

    public static void send(ServerResponse res, ApiException e) {
        if (e.status() == Status.UNAUTHORIZED_401) {
            res.header(HeaderValues.create(HeaderNames.WWW_AUTHENTICATE, "Bearer"));
        }
        if (e.retryAfterSeconds() > 0) {
            res.header(HeaderNames.RETRY_AFTER, Long.toString(e.retryAfterSeconds()));
        }
        ObjectNode body =
                MAPPER.createObjectNode().put("code", e.code()).put("message", e.getMessage());
        e.field().ifPresent(f -> body.put("field", f));
        res.status(e.status())
                .header(HeaderNames.CONTENT_TYPE, "application/json")
                .send(body.toString());
    }

    public static void send(ServerResponse res, Status status, String code, String message) {
        send(res, new ApiException(status, code, message));
    }

    /** {@code {"code","message"}} as a string. */
    public static String body(String code, String message) {
        return MAPPER.createObjectNode().put("code", code).put("message", message).toString();
    }
}

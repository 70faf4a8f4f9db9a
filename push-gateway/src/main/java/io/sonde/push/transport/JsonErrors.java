package io.sonde.push.transport;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import io.sonde.push.session.CloseReason;

/** Error bodies as docs/errors.md spells them: {@code {"code": "...", "message": "..."}}. */
final class JsonErrors {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonErrors() {}

    static void send(ServerResponse res, RequestException e) {
        send(res, e.status(), e.code(), e.getMessage());
    }

    static void send(ServerResponse res, Status status, String code, String message) {
        if (status == Status.UNAUTHORIZED_401) {
            res.header(HeaderValues.create(HeaderNames.WWW_AUTHENTICATE, "Bearer"));
        }
        res.status(status)
                .header(HeaderNames.CONTENT_TYPE, "application/json")
                .send(body(code, message));
    }

    static String body(String code, String message) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("code", code);
        node.put("message", message);
        return node.toString();
    }

    /**
     * Data of the SSE {@code error} event that ends a stream: the error object plus {@code reason},
     * the code docs/streams.md names for this close ({@code "slow"}, {@code "shutdown"}).
     */
    static String closeEvent(CloseReason reason) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("code", reason.code());
        node.put("reason", reason.code());
        node.put("message", reason.message());
        return node.toString();
    }
}

package io.sonde.push.transport;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sonde.push.session.CloseReason;

/** The data of the SSE {@code error} event that ends a stream (docs/streams.md). */
final class CloseEvents {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private CloseEvents() {}

    /**
     * The error object plus {@code reason}, the code docs/streams.md names for this close ({@code
     * "slow"}, {@code "shutdown"}).
     */
    static String closeEvent(CloseReason reason) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("code", reason.code());
        node.put("reason", reason.code());
        node.put("message", reason.message());
        return node.toString();
    }
}

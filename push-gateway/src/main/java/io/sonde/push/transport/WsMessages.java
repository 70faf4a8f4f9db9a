package io.sonde.push.transport;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sonde.push.hub.PushEvent;

/** The server's WebSocket messages (docs/streams.md), as JSON text. */
final class WsMessages {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonStringEncoder JSON = JsonStringEncoder.getInstance();

    private WsMessages() {}

    /** {@code event} with {@code id}, or the gap notice when the event is one. */
    static String event(PushEvent event, String id) {
        if (event.isGap()) {
            // {"op":"gap","channel":...,"id":...,"reason":"expired","channels":[...]}
            return "{\"op\":\"gap\",\"channel\":\""
                    + JSON.quoteAsString(event.channel()).toString()
                    + "\",\"id\":\""
                    + id
                    + "\","
                    + event.data().substring(1);
        }
        StringBuilder sb = new StringBuilder(event.data().length() + 96 + id.length());
        return sb.append("{\"op\":\"event\",\"channel\":\"")
                .append(JSON.quoteAsString(event.channel()))
                .append("\",\"id\":\"")
                .append(id)
                .append("\",\"event\":\"")
                .append(event.name())
                .append("\",\"data\":")
                .append(event.data())
                .append('}')
                .toString();
    }

    /** An event sent with its own id: {@link FrameCache} holds this message's WebSocket frame. */
    static String event(PushEvent event) {
        return event(event, event.id());
    }

    static String subscribed(String channel) {
        return MAPPER.createObjectNode().put("op", "subscribed").put("channel", channel).toString();
    }

    static String unsubscribed(String channel) {
        return MAPPER.createObjectNode()
                .put("op", "unsubscribed")
                .put("channel", channel)
                .toString();
    }

    static String pong() {
        return "{\"op\":\"pong\"}";
    }

    static String refreshed(long expiresAtMillis) {
        return MAPPER.createObjectNode()
                .put("op", "refreshed")
                .put("expiresAt", expiresAtMillis)
                .toString();
    }

    /**
     * @param channel the channel the error is about, or null
     */
    static String error(String code, String message, String channel) {
        ObjectNode node = MAPPER.createObjectNode().put("op", "error").put("code", code);
        node.put("message", message);
        if (channel != null) {
            node.put("channel", channel);
        }
        return node.toString();
    }
}

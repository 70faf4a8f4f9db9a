package io.sonde.push.transport;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.sonde.platform.http.ApiException;
import io.sonde.platform.security.BearerTokens;
import io.sonde.platform.security.InvalidTokenException;
import io.sonde.platform.security.TokenVerifier;
import io.sonde.platform.security.VerifiedToken;
import io.sonde.push.hub.Channels;
import io.sonde.push.hub.Cursor;
import io.sonde.push.session.CloseReason;
import io.sonde.push.session.HistoryException;
import io.sonde.push.session.Session;
import io.sonde.push.session.Subscriptions;
import io.sonde.push.session.Subscriptions.From;
import io.sonde.push.session.TooManySessionsException;
import java.util.List;
import java.util.Optional;

/**
 * {@code /v1/ws}: one instance per viewer WebSocket (docs/streams.md). Ops of one connection arrive
 * on its reader thread, one at a time, so the fields below need no lock; everything sent goes
 * through the connection's {@link ViewerSocket}.
 */
final class StreamEndpoint implements WsListener {
    static final int TOO_BIG = 1009;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final WsContext context;
    private final StringBuilder fragments = new StringBuilder();
    private Optional<String> upgradeToken = Optional.empty();
    private VerifiedToken token;
    private ViewerSocket socket;

    StreamEndpoint(WsContext context) {
        this.context = context;
    }

    @Override
    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) {
        upgradeToken = BearerTokens.find(headers, prologue.query());
        return Optional.empty();
    }

    @Override
    public void onOpen(WsSession ws) {
        try {
            if (upgradeToken.isEmpty()) {
                ws.close(
                        ViewerSocket.POLICY_VIOLATION,
                        "unauthenticated: a viewer token is required");
                return;
            }
            token = context.verifier().verify(upgradeToken.get(), TokenVerifier.PUSH_AUDIENCE);
            Session session = context.sessions().open(TRANSPORT, StreamOpener.owner(token));
            socket = context.socket(ws, session, token.expiresAt());
            socket.start();
        } catch (InvalidTokenException e) {
            ws.close(ViewerSocket.POLICY_VIOLATION, reason("unauthenticated: " + e.getMessage()));
        } catch (TooManySessionsException e) {
            ws.close(ViewerSocket.TRY_AGAIN_LATER, reason(e.getMessage()));
        } finally {
            upgradeToken = Optional.empty();
        }
    }

    static final String TRANSPORT = "ws";

    @Override
    public void onMessage(WsSession ws, String text, boolean last) {
        if (socket == null) {
            return;
        }
        if (fragments.length() + text.length() > context.maxMessageChars()) {
            fragments.setLength(0);
            ws.close(TOO_BIG, "message too large");
            return;
        }
        fragments.append(text);
        if (last) {
            String message = fragments.toString();
            fragments.setLength(0);
            handle(message);
        }
    }

    @Override
    public void onClose(WsSession ws, int status, String reason) {
        gone();
    }

    @Override
    public void onError(WsSession ws, Throwable t) {
        gone();
    }

    private void gone() {
        if (socket != null) {
            // The writer sees it, releases the session and ends.
            socket.session().close(CloseReason.clientGone());
        }
    }

    private void handle(String message) {
        JsonNode op;
        try {
            op = JSON.readTree(message);
        } catch (JsonProcessingException e) {
            socket.send(WsMessages.error("bad_request", "not a JSON object", null));
            return;
        }
        switch (op.path("op").asText("")) {
            case "ping" -> socket.send(WsMessages.pong());
            case "subscribe" -> subscribe(op);
            case "unsubscribe" -> unsubscribe(op);
            case "refresh" -> refresh(op);
            default ->
                    socket.send(
                            WsMessages.error(
                                    "bad_request",
                                    "op must be subscribe, unsubscribe, ping or refresh",
                                    null));
        }
    }

    private void subscribe(JsonNode op) {
        String channel = op.path("channel").asText("");
        Optional<String> problem = Channels.problem(channel);
        if (problem.isPresent()) {
            socket.send(WsMessages.error("bad_request", problem.get(), channel));
            return;
        }
        if (!token.mayRead(channel)) {
            socket.send(
                    WsMessages.error(
                            "forbidden",
                            "the token does not allow channel '" + channel + "'",
                            channel));
            return;
        }
        Session session = socket.session();
        if (!session.subscribed(channel)
                && session.channels().size() >= context.settings().maxChannels()) {
            socket.send(
                    WsMessages.error(
                            "too_many_subscriptions",
                            "at most " + context.settings().maxChannels() + " per connection",
                            channel));
            return;
        }
        From from;
        try {
            from = from(op);
        } catch (ApiException e) {
            socket.send(WsMessages.error("bad_request", e.getMessage(), channel));
            return;
        }
        socket.subscribed(channel, () -> start(session, channel, from));
    }

    private Optional<ViewerSocket.Subscribe.Result> start(
            Session session, String channel, From from) {
        try {
            Subscriptions.Started started =
                    context.subscriptions().subscribe(session, List.of(channel), from);
            return Optional.of(
                    new ViewerSocket.Subscribe.Result(started.snapshot(), started.start()));
        } catch (HistoryException | IllegalStateException e) {
            socket.send(WsMessages.error("unavailable", e.getMessage(), channel));
            return Optional.empty();
        }
    }

    private From from(JsonNode op) throws ApiException {
        JsonNode cursor = op.path("cursor");
        if (cursor.isTextual() && !cursor.asText().isEmpty()) {
            Optional<Cursor> parsed = Cursor.parse(cursor.asText());
            if (parsed.isEmpty()) {
                context.meters().malformedCursor();
            }
            return new From.Resume(StreamRequest.cursor(cursor.asText()));
        }
        JsonNode since = op.path("since");
        if (!since.isMissingNode() && !since.isNull()) {
            return new From.Since(StreamRequest.since(since.asText(), context.clock()));
        }
        JsonNode snapshot = op.path("snapshot");
        if (!snapshot.isMissingNode() && !snapshot.isBoolean()) {
            throw ApiException.badRequest("snapshot must be true or false");
        }
        return new From.Live(snapshot.asBoolean(true));
    }

    private void unsubscribe(JsonNode op) {
        String channel = op.path("channel").asText("");
        context.subscriptions().unsubscribe(socket.session(), channel);
        socket.unsubscribed(channel);
        socket.send(WsMessages.unsubscribed(channel));
    }

    private void refresh(JsonNode op) {
        VerifiedToken fresh;
        try {
            fresh =
                    context.verifier()
                            .verify(op.path("token").asText(""), TokenVerifier.PUSH_AUDIENCE);
        } catch (InvalidTokenException e) {
            socket.send(WsMessages.error("unauthenticated", e.getMessage(), null));
            return;
        }
        if (!fresh.subject().equals(token.subject())) {
            socket.send(
                    WsMessages.error(
                            "forbidden", "a refreshed token must have the same subject", null));
            return;
        }
        token = fresh;
        socket.expiresAt(fresh.expiresAt());
        for (String channel : socket.session().channels()) {
            if (!fresh.mayRead(channel)) {
                context.subscriptions().unsubscribe(socket.session(), channel);
                socket.unsubscribed(channel);
                socket.send(
                        WsMessages.error(
                                "forbidden",
                                "the refreshed token does not allow channel '" + channel + "'",
                                channel));
            }
        }
        socket.send(WsMessages.refreshed(fresh.expiresAt().toEpochMilli()));
    }

    /** A close reason fits in a control frame: at most 123 bytes. */
    private static String reason(String text) {
        return text.length() <= 120 ? text : text.substring(0, 120);
    }
}

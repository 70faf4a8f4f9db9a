package io.sonde.push.transport;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.sonde.platform.http.ApiErrors;
import io.sonde.platform.http.ApiException;
import io.sonde.push.hub.PushEvent;
import io.sonde.push.session.CloseReason;
import io.sonde.push.session.Session;
import io.sonde.push.session.SessionCursor;
import io.sonde.push.session.SessionRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /v1/poll} (docs/streams.md): answers as soon as there is something to send, or with no
 * events once {@code wait} seconds pass, as {@code {"events":[...],"cursor":"..."}}. The cursor
 * always moves the chain on: the next poll resumes right after this answer, on any instance. A
 * snapshot is sent whole in the first answer; after that an answer holds at most {@code
 * sonde.push.poll-max-events}.
 *
 * <p>Each poll is a short session: subscribed, drained once, released.
 */
public final class PollHttpService implements HttpService {
    /** Where the service is registered. */
    public static final String PATH = "/v1/poll";

    static final String TRANSPORT = "poll";
    static final String CURSOR_PARAM = "cursor";
    static final String WAIT_PARAM = "wait";
    static final int DEFAULT_WAIT_SECONDS = 25;

    private static final JsonStringEncoder JSON = JsonStringEncoder.getInstance();

    private final StreamOpener opener;
    private final SessionRegistry sessions;
    private final StreamSettings settings;

    PollHttpService(StreamOpener opener, SessionRegistry sessions, StreamSettings settings) {
        this.opener = opener;
        this.sessions = sessions;
        this.settings = settings;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::poll);
    }

    private void poll(ServerRequest req, ServerResponse res) {
        StreamOpener.Opened opened;
        Duration wait;
        try {
            wait = waitOf(req);
            opened = opener.open(req, TRANSPORT, CURSOR_PARAM, Optional.empty());
        } catch (ApiException e) {
            ApiErrors.send(res, e);
            return;
        }
        Session session = opened.session();
        try {
            List<PushEvent> events = new ArrayList<>(opened.snapshot());
            if (events.isEmpty()) {
                int n = session.drain(events, settings.pollMaxEvents(), wait);
                sessions.delivered(session, n, n);
            }
            Optional<CloseReason> closed = session.closeReason();
            if (events.isEmpty()
                    && closed.isPresent()
                    && closed.get().code().equals(CloseReason.UNAVAILABLE)) {
                ApiErrors.send(res, ApiException.unavailable(closed.get().message(), 1));
                return;
            }
            res.header(HeaderNames.CONTENT_TYPE, "application/json")
                    .send(body(events, opened.cursor(), !opened.snapshot().isEmpty()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            sessions.release(session);
        }
    }

    private String body(List<PushEvent> events, SessionCursor cursor, boolean stamped) {
        StringBuilder sb = new StringBuilder(256 + events.size() * 256).append("{\"events\":[");
        for (int i = 0; i < events.size(); i++) {
            PushEvent e = events.get(i);
            String id = stamped ? e.id() : cursor.idOf(e);
            if (i > 0) {
                sb.append(',');
            }
            sb.append("{\"channel\":\"")
                    .append(JSON.quoteAsString(e.channel()))
                    .append("\",\"id\":\"")
                    .append(id)
                    .append("\",\"event\":\"")
                    .append(e.name())
                    .append("\",\"data\":")
                    .append(e.data())
                    .append('}');
        }
        return sb.append("],\"cursor\":\"")
                .append(cursor.current().encode())
                .append("\"}")
                .toString();
    }

    private Duration waitOf(ServerRequest req) throws ApiException {
        Optional<String> text = req.query().first(WAIT_PARAM).asOptional();
        long max = settings.pollMaxWait().toSeconds();
        if (text.isEmpty()) {
            return Duration.ofSeconds(Math.min(DEFAULT_WAIT_SECONDS, max));
        }
        try {
            long seconds = Long.parseLong(text.get().trim());
            if (seconds < 0 || seconds > max) {
                throw ApiException.badRequest("wait must be 0 to " + max + " seconds");
            }
            return Duration.ofSeconds(seconds);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("wait must be a whole number of seconds");
        }
    }
}

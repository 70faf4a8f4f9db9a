package io.sonde.push.transport;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.ServerConnectionException;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.sonde.platform.http.ApiErrors;
import io.sonde.platform.http.ApiException;
import io.sonde.platform.http.ViewerAuth;
import io.sonde.platform.security.TokenVerifier;
import io.sonde.platform.security.VerifiedToken;
import io.sonde.push.hub.Hub;
import io.sonde.push.hub.PushEvent;
import io.sonde.push.session.CloseReason;
import io.sonde.push.session.Session;
import io.sonde.push.session.SessionRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /v1/events}: Server-Sent Events (docs/streams.md). After authentication and validation
 * the stream sends a {@code retry:} hint, the snapshot of each channel, then live events as the hub
 * offers them, with a heartbeat comment whenever nothing else was written for a heartbeat period.
 * When the gateway ends the stream (slow client, shutdown) it first sends an {@code error} event
 * {@code {"code","reason","message"}} without an id.
 *
 * <p>Threading: each stream runs on its own Helidon request thread (virtual), which both waits on
 * the session queue and writes; publishers never touch the socket.
 */
public final class EventsHttpService implements HttpService, AutoCloseable {
    /** Where the service is registered. */
    public static final String PATH = "/v1/events";

    static final String TRANSPORT = "sse";

    private static final System.Logger LOG = System.getLogger(EventsHttpService.class.getName());

    private final ViewerAuth auth;
    private final Hub hub;
    private final SessionRegistry sessions;
    private final SseConfig settings;
    private final WriteWatchdog watchdog;
    private final SseFrames frames = new SseFrames();

    public EventsHttpService(
            TokenVerifier verifier, Hub hub, SessionRegistry sessions, SseConfig settings) {
        this.auth = new ViewerAuth(verifier);
        this.hub = hub;
        this.sessions = sessions;
        this.settings = settings;
        this.watchdog = new WriteWatchdog(settings.writeTimeout());
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::events);
    }

    @Override
    public void close() {
        watchdog.close();
    }

    private void events(ServerRequest req, ServerResponse res) {
        EventsRequest request;
        try {
            VerifiedToken token = auth.authenticate(req);
            request = EventsRequest.parse(req, settings.maxChannels());
            ViewerAuth.requireReadable(token, request.channels());
        } catch (ApiException e) {
            ApiErrors.send(res, e);
            return;
        }
        Session session = sessions.open(TRANSPORT);
        try (WriteWatchdog.Guard guard = watchdog.guard()) {
            List<PushEvent> snapshot = new ArrayList<>();
            for (String channel : request.channels()) {
                snapshot.addAll(session.subscribe(hub, channel, request.snapshot()));
            }
            res.status(Status.OK_200)
                    .header(HeaderNames.CONTENT_TYPE, "text/event-stream")
                    .header(HeaderValues.CACHE_NO_CACHE)
                    // Tells nginx-like proxies not to buffer the stream.
                    .header("X-Accel-Buffering", "no");
            stream(session, snapshot, res, guard);
        } finally {
            sessions.release(session);
        }
    }

    private void stream(
            Session session,
            List<PushEvent> snapshot,
            ServerResponse res,
            WriteWatchdog.Guard guard) {
        try (OutputStream out = res.outputStream()) {
            SseWriter sse = new SseWriter(out, guard, frames);
            sse.retry(settings.retry());
            for (PushEvent event : snapshot) {
                sse.event(event);
            }
            sse.flush();
            pump(session, sse);
        } catch (IOException | UncheckedIOException | ServerConnectionException e) {
            LOG.log(Level.DEBUG, "SSE client went away", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void pump(Session session, SseWriter sse) throws IOException, InterruptedException {
        while (true) {
            Optional<PushEvent> next = session.next(settings.heartbeat());
            if (next.isPresent()) {
                sse.event(next.get());
                // Batch bursts into one flush: flush only once the queue is drained.
                if (session.queued() == 0) {
                    sse.flush();
                }
                continue;
            }
            Optional<CloseReason> closed = session.closeReason();
            if (closed.isPresent()) {
                CloseReason reason = closed.get();
                sse.event("error", CloseEvents.closeEvent(reason));
                sse.flush();
                return;
            }
            sse.comment("heartbeat");
            sse.flush();
        }
    }
}

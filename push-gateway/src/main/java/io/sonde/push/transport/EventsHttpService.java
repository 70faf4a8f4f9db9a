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
import io.sonde.push.hub.PushEvent;
import io.sonde.push.session.CloseReason;
import io.sonde.push.session.Session;
import io.sonde.push.session.SessionCursor;
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
 * the stream sends a {@code retry:} hint, the snapshot of each channel (or the replayed history),
 * then live events as the hub offers them, with a heartbeat comment whenever nothing else was
 * written for a heartbeat period. When the gateway ends the stream (slow client, shutdown) it first
 * sends an {@code error} event {@code {"code","reason","message"}} without an id.
 *
 * <p>Threading: each stream runs on its own Helidon request thread (virtual), which waits on the
 * session queue and writes each batch it drains with one flush; publishers never touch the socket.
 */
public final class EventsHttpService implements HttpService {
    /** Where the service is registered. */
    public static final String PATH = "/v1/events";

    static final String TRANSPORT = "sse";
    static final String CURSOR_PARAM = "lastEventId";
    static final String LAST_EVENT_ID = "Last-Event-ID";

    private static final System.Logger LOG = System.getLogger(EventsHttpService.class.getName());

    private final StreamOpener opener;
    private final SessionRegistry sessions;
    private final StreamSettings settings;
    private final WriteWatchdog watchdog;
    private final FrameCache<byte[]> frames = new FrameCache<>(SseWriter::frame);

    EventsHttpService(
            StreamOpener opener,
            SessionRegistry sessions,
            StreamSettings settings,
            WriteWatchdog watchdog) {
        this.opener = opener;
        this.sessions = sessions;
        this.settings = settings;
        this.watchdog = watchdog;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::events);
    }

    private void events(ServerRequest req, ServerResponse res) {
        StreamOpener.Opened opened;
        try {
            opened = opener.open(req, TRANSPORT, CURSOR_PARAM, Optional.of(LAST_EVENT_ID));
        } catch (ApiException e) {
            ApiErrors.send(res, e);
            return;
        }
        Session session = opened.session();
        try (WriteWatchdog.Guard guard = watchdog.guard(session::wake)) {
            res.status(Status.OK_200)
                    .header(HeaderNames.CONTENT_TYPE, "text/event-stream")
                    .header(HeaderValues.CACHE_NO_CACHE)
                    // Tells nginx-like proxies not to buffer the stream.
                    .header("X-Accel-Buffering", "no");
            stream(opened, res, guard);
        } finally {
            sessions.release(session);
        }
    }

    private void stream(StreamOpener.Opened opened, ServerResponse res, WriteWatchdog.Guard guard) {
        try (OutputStream out = res.outputStream()) {
            SseWriter sse = new SseWriter(out, guard, frames);
            sse.retry(settings.retry());
            for (PushEvent event : opened.snapshot()) {
                sse.event(event, event.id());
            }
            sse.flush();
            pump(opened.session(), opened.cursor(), sse);
        } catch (IOException | UncheckedIOException | ServerConnectionException e) {
            LOG.log(Level.DEBUG, "SSE client went away", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void pump(Session session, SessionCursor cursor, SseWriter sse)
            throws IOException, InterruptedException {
        List<PushEvent> batch = new ArrayList<>(StreamSettings.WRITE_BATCH);
        long heartbeat = settings.heartbeat().toNanos();
        sse.wakeBy(System.nanoTime() + heartbeat);
        while (true) {
            int n = session.take(batch, StreamSettings.WRITE_BATCH);
            if (n > 0) {
                for (PushEvent event : batch) {
                    sse.event(event, cursor.idOf(event));
                }
                batch.clear();
                sse.flush();
                sessions.delivered(session, n, session.depthAtLastTake());
            } else {
                Optional<CloseReason> closed = session.closeReason();
                if (closed.isPresent()) {
                    sse.event("error", CloseEvents.closeEvent(closed.get()));
                    sse.flush();
                    return;
                }
                // Woken by the watchdog: the heartbeat is due.
                sse.comment("heartbeat");
                sse.flush();
            }
            sse.wakeBy(System.nanoTime() + heartbeat);
        }
    }
}

package io.sonde.push.transport;

import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.sonde.platform.http.ApiException;
import io.sonde.platform.http.ViewerAuth;
import io.sonde.platform.security.TokenVerifier;
import io.sonde.platform.security.VerifiedToken;
import io.sonde.push.hub.PushEvent;
import io.sonde.push.session.HistoryException;
import io.sonde.push.session.Session;
import io.sonde.push.session.SessionCursor;
import io.sonde.push.session.SessionRegistry;
import io.sonde.push.session.SubscriptionMeters;
import io.sonde.push.session.Subscriptions;
import io.sonde.push.session.TooManySessionsException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Opens the session of an HTTP stream (SSE or poll): the token, the request, the channels it may
 * read, the per-token stream limit, then the subscription. Every refusal is an {@link ApiException}
 * with the status of docs/errors.md, and leaves nothing open.
 */
final class StreamOpener {
    /**
     * An open, subscribed session; the caller must release it.
     *
     * @param snapshot the snapshot, ids stamped, to write before anything queued
     */
    record Opened(Session session, SessionCursor cursor, List<PushEvent> snapshot) {}

    private final ViewerAuth auth;
    private final Subscriptions subscriptions;
    private final SessionRegistry sessions;
    private final SubscriptionMeters meters;
    private final int maxChannels;
    private final Clock clock;

    StreamOpener(
            TokenVerifier verifier,
            Subscriptions subscriptions,
            SessionRegistry sessions,
            SubscriptionMeters meters,
            int maxChannels,
            Clock clock) {
        this.auth = new ViewerAuth(verifier);
        this.subscriptions = subscriptions;
        this.sessions = sessions;
        this.meters = meters;
        this.maxChannels = maxChannels;
        this.clock = clock;
    }

    Opened open(
            ServerRequest req, String transport, String cursorParam, Optional<String> cursorHeader)
            throws ApiException {
        VerifiedToken token = auth.authenticate(req);
        StreamRequest request =
                StreamRequest.parse(
                        req,
                        maxChannels,
                        cursorParam,
                        cursorHeader,
                        clock,
                        meters::malformedCursor);
        ViewerAuth.requireReadable(token, request.channels());
        Session session;
        try {
            session = sessions.open(transport, owner(token));
        } catch (TooManySessionsException e) {
            throw new ApiException(
                    Status.TOO_MANY_REQUESTS_429, "too_many_streams", e.getMessage());
        }
        try {
            Subscriptions.Started started =
                    subscriptions.subscribe(session, request.channels(), request.from());
            SessionCursor cursor = new SessionCursor(started.start());
            return new Opened(session, cursor, cursor.stamp(started.snapshot()));
        } catch (HistoryException | IllegalStateException e) {
            sessions.release(session);
            throw ApiException.unavailable(e.getMessage(), 1);
        } catch (RuntimeException e) {
            sessions.release(session);
            throw e;
        }
    }

    /** Who holds a token, for the per-token stream limit: its subject and expiry. */
    static String owner(VerifiedToken token) {
        return token.subject() + "@" + token.expiresAt().getEpochSecond();
    }
}

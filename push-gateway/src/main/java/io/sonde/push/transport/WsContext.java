package io.sonde.push.transport;

import io.helidon.websocket.WsSession;
import io.sonde.platform.security.TokenVerifier;
import io.sonde.push.session.Session;
import io.sonde.push.session.SessionRegistry;
import io.sonde.push.session.SubscriptionMeters;
import io.sonde.push.session.Subscriptions;
import java.time.Clock;
import java.time.Instant;

/**
 * What every viewer WebSocket of the gateway shares.
 *
 * @param maxMessageChars longest op a client may send, fragments included
 */
record WsContext(
        TokenVerifier verifier,
        Subscriptions subscriptions,
        SessionRegistry sessions,
        SubscriptionMeters meters,
        StreamSettings settings,
        WriteWatchdog watchdog,
        FrameCache<byte[]> frames,
        Clock clock,
        int maxMessageChars) {
    ViewerSocket socket(WsSession ws, Session session, Instant expiresAt) {
        return new ViewerSocket(
                ws, session, expiresAt, sessions, settings, watchdog, frames, clock);
    }
}

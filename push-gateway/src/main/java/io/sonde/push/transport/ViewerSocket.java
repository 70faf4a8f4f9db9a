package io.sonde.push.transport;

import io.helidon.common.buffers.BufferData;
import io.helidon.websocket.WsSession;
import io.sonde.push.hub.PushEvent;
import io.sonde.push.session.CloseReason;
import io.sonde.push.session.Session;
import io.sonde.push.session.SessionCursor;
import io.sonde.push.session.SessionRegistry;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The sending side of one viewer WebSocket: a writer thread that drains the session's queue and
 * sends each batch in one socket write ({@link WsFrameWriter}), and the one lock every message to
 * the client goes through, so that replies to ops and events never interleave inside a frame and a
 * channel's snapshot goes out before its live events. Each channel keeps its own cursor: a
 * WebSocket client resumes channel by channel.
 *
 * <p>Close codes (docs/errors.md): 4008 slow, 4001 token expired, 1001 shutdown, 1013 history
 * unavailable.
 */
final class ViewerSocket {
    static final int GOING_AWAY = 1001;
    static final int POLICY_VIOLATION = 1008;
    static final int TRY_AGAIN_LATER = 1013;
    static final int SLOW = 4008;
    static final int TOKEN_EXPIRED = 4001;

    private static final System.Logger LOG = System.getLogger(ViewerSocket.class.getName());
    private static final Duration MAX_NANOS = Duration.ofDays(365);

    private final WsSession ws;
    private final Session session;
    private final SessionRegistry sessions;
    private final StreamSettings settings;
    private final WriteWatchdog watchdog;
    private final FrameCache<byte[]> frames;
    private final WsFrameWriter wire;
    private final Clock clock;
    private final ReentrantLock out = new ReentrantLock();
    // Guarded by out.
    private final Map<String, SessionCursor> cursors = new HashMap<>();
    private volatile Instant expiresAt;

    ViewerSocket(
            WsSession ws,
            Session session,
            Instant expiresAt,
            SessionRegistry sessions,
            StreamSettings settings,
            WriteWatchdog watchdog,
            FrameCache<byte[]> frames,
            Clock clock) {
        this.ws = ws;
        this.wire = WsFrameWriter.of(ws);
        this.session = session;
        this.expiresAt = expiresAt;
        this.sessions = sessions;
        this.settings = settings;
        this.watchdog = watchdog;
        this.frames = frames;
        this.clock = clock;
    }

    Session session() {
        return session;
    }

    void start() {
        Thread.ofVirtual().name("sonde-push-ws-" + session.id()).start(this::run);
    }

    void expiresAt(Instant at) {
        expiresAt = at;
    }

    /** Sends one reply; ignored once the connection is gone. */
    void send(String text) {
        out.lock();
        try {
            ws.send(text, true);
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "viewer socket went away", e);
            session.close(CloseReason.clientGone());
        } finally {
            out.unlock();
        }
    }

    /**
     * Runs {@code subscribe} (which joins the hub) and sends its result while holding the output
     * lock: the writer cannot send the channel's live events before its snapshot.
     */
    void subscribed(String channel, Subscribe subscribe) {
        out.lock();
        try {
            Optional<Subscribe.Result> result = subscribe.run();
            if (result.isEmpty()) {
                return;
            }
            SessionCursor cursor = new SessionCursor(result.get().start());
            cursors.put(channel, cursor);
            ws.send(WsMessages.subscribed(channel), true);
            for (PushEvent e : cursor.stamp(result.get().snapshot())) {
                ws.send(WsMessages.event(e, e.id()), true);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "viewer socket went away", e);
            session.close(CloseReason.clientGone());
        } finally {
            out.unlock();
        }
    }

    /** Forgets a channel's cursor: its events still queued are not sent. */
    void unsubscribed(String channel) {
        out.lock();
        try {
            cursors.remove(channel);
        } finally {
            out.unlock();
        }
    }

    /** What {@link #subscribed} runs: a subscription, or empty after replying with an error. */
    @FunctionalInterface
    interface Subscribe {
        record Result(List<PushEvent> snapshot, io.sonde.push.hub.Cursor start) {}

        Optional<Result> run();
    }

    private void run() {
        List<PushEvent> batch = new ArrayList<>(StreamSettings.WRITE_BATCH);
        long heartbeat = settings.heartbeat().toNanos();
        try (WriteWatchdog.Guard guard = watchdog.guard(session::wake)) {
            long lastWrite = System.nanoTime();
            while (true) {
                Duration expiresIn = Duration.between(clock.instant(), expiresAt);
                if (expiresIn.isNegative() || expiresIn.isZero()) {
                    session.close(CloseReason.tokenExpired());
                }
                long pingBy = lastWrite + heartbeat;
                long expiry = System.nanoTime() + nanos(expiresIn);
                guard.wakeBy(Math.min(pingBy, expiry));
                int n = session.take(batch, StreamSettings.WRITE_BATCH);
                if (n > 0) {
                    write(batch, guard);
                    sessions.delivered(session, n, session.depthAtLastTake());
                    batch.clear();
                    lastWrite = System.nanoTime();
                } else if (session.isClosed()) {
                    closeWith(session.closeReason().orElseThrow());
                    return;
                } else if (pingBy <= expiry) {
                    ping(guard);
                    lastWrite = System.nanoTime();
                }
                // else woken for the token's expiry: checked again at the top (a refresh may
                // have moved it)
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "viewer socket went away", e);
        } finally {
            // No terminate(): from this thread it only throws. A client that is gone is noticed
            // by the connection's reader; a write the watchdog interrupted closed the socket.
            sessions.release(session);
        }
    }

    private static long nanos(Duration d) {
        return d.compareTo(MAX_NANOS) > 0 ? MAX_NANOS.toNanos() : d.toNanos();
    }

    private void write(List<PushEvent> batch, WriteWatchdog.Guard guard) {
        out.lock();
        guard.begin();
        try {
            List<byte[]> framed = new ArrayList<>(batch.size());
            for (PushEvent event : batch) {
                SessionCursor cursor = cursors.get(event.channel());
                if (cursor == null) {
                    continue; // unsubscribed while queued
                }
                String id = cursor.idOf(event);
                framed.add(
                        id.equals(event.id())
                                ? frames.frame(event)
                                : WsFrameWriter.text(WsMessages.event(event, id)));
            }
            wire.write(framed);
        } finally {
            endWrite(guard);
        }
    }

    private void ping(WriteWatchdog.Guard guard) {
        out.lock();
        guard.begin();
        try {
            ws.ping(BufferData.empty());
        } finally {
            endWrite(guard);
        }
    }

    private void endWrite(WriteWatchdog.Guard guard) {
        boolean intime = guard.end();
        out.unlock();
        if (!intime) {
            throw new IllegalStateException("the client stopped reading; connection dropped");
        }
    }

    private void closeWith(CloseReason reason) {
        int code =
                switch (reason.code()) {
                    case CloseReason.SLOW -> SLOW;
                    case CloseReason.TOKEN_EXPIRED -> TOKEN_EXPIRED;
                    case CloseReason.SHUTDOWN -> GOING_AWAY;
                    case CloseReason.UNAVAILABLE -> TRY_AGAIN_LATER;
                    default -> 0;
                };
        if (code == 0) {
            return; // the client is gone: nobody to tell
        }
        out.lock();
        try {
            // Helidon then waits for the client's close frame before closing the connection.
            ws.close(code, reason.code());
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "viewer socket went away before its close", e);
        } finally {
            out.unlock();
        }
    }
}

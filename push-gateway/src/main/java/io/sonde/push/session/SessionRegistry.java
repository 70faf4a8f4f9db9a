package io.sonde.push.session;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.sonde.push.hub.Hub;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live sessions of one gateway. A transport {@link #open opens} a session when a client
 * connects and must {@link #release release} it in a {@code finally} when its handler ends, however
 * it ends: that is what brings the {@code sonde.push.sessions} gauge back to zero after abrupt
 * disconnects, and what unsubscribes the session from the hub.
 *
 * <p>Thread-safe.
 */
public final class SessionRegistry {
    /** Gauge: sessions whose connection is open. */
    public static final String SESSIONS_METRIC = "sonde.push.sessions";

    /** Counter, tagged {@code reason}: sessions ended, by {@link CloseReason#code()}. */
    public static final String DISCONNECTS_METRIC = "sonde.push.disconnects";

    private final Hub hub;
    private final int queueCapacity;
    private final MeterRegistry meters;
    private final Map<Long, Session> sessions = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private volatile boolean shuttingDown;

    public SessionRegistry(Hub hub, int queueCapacity, MeterRegistry meters) {
        this.hub = hub;
        this.queueCapacity = queueCapacity;
        this.meters = meters;
        Gauge.builder(SESSIONS_METRIC, sessions, Map::size)
                .description("Open push sessions (SSE, WebSocket, long-poll)")
                .register(meters);
    }

    /** A new session with a queue of the configured capacity, counted until released. */
    public Session open(String transport) {
        Session session =
                new Session(ids.incrementAndGet(), transport, queueCapacity, this::countClose);
        sessions.put(session.id(), session);
        if (shuttingDown) {
            session.close(CloseReason.shutdown());
        }
        return session;
    }

    /**
     * Ends {@code session}: closes it (as {@link CloseReason#clientGone()} unless it was already
     * closed for another reason), unsubscribes it from every channel and stops counting it.
     * Idempotent.
     */
    public void release(Session session) {
        session.close(CloseReason.clientGone());
        session.unsubscribeAll(hub);
        sessions.remove(session.id());
    }

    /**
     * Closes every session with {@link CloseReason#shutdown()}, and every session opened from now
     * on at once, so that no stream outlives the gateway; their transports then release them.
     */
    public void shutdown() {
        shuttingDown = true;
        for (Session session : List.copyOf(sessions.values())) {
            session.close(CloseReason.shutdown());
        }
    }

    /** Sessions open now. */
    public int count() {
        return sessions.size();
    }

    private void countClose(CloseReason reason) {
        Counter.builder(DISCONNECTS_METRIC)
                .description("Push sessions ended, by reason")
                .tag("reason", reason.code())
                .register(meters)
                .increment();
    }
}

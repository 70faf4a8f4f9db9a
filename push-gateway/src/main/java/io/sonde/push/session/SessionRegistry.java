package io.sonde.push.session;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live sessions of one gateway. A transport {@link #open opens} a session when a client
 * connects and must {@link #release release} it in a {@code finally} when its handler ends, however
 * it ends: that is what brings the {@code sonde.push.sessions} gauge back to zero after abrupt
 * disconnects, and what unsubscribes the session from the hub.
 *
 * <p>Bounds: at most {@code maxPerOwner} sessions per token at a time (the per-owner counts live
 * only while their sessions do); each session's queue holds at most {@code queueCapacity} events.
 *
 * <p>Thread-safe.
 */
public final class SessionRegistry {
    /** Gauge, tagged {@code transport}: sessions whose connection is open. */
    public static final String SESSIONS_METRIC = "sonde.push.sessions";

    /** Counter, tagged {@code reason}: sessions ended, by {@link CloseReason#code()}. */
    public static final String DISCONNECTS_METRIC = "sonde.push.disconnects";

    /** Counter, tagged {@code transport}: events written to clients. */
    public static final String DELIVERIES_METRIC = "sonde.push.deliveries";

    /** Distribution: events a writer found queued each time it woke. */
    public static final String QUEUE_DEPTH_METRIC = "sonde.push.queue.depth";

    /** Every transport, so that each one's gauge exists from the start. */
    public static final List<String> TRANSPORTS = List.of("sse", "ws", "poll");

    private final Subscriptions subscriptions;
    private final int queueCapacity;
    private final int maxPerOwner;
    private final MeterRegistry meters;
    private final Map<Long, Session> sessions = new ConcurrentHashMap<>();
    private final Map<String, Integer> byOwner = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> byTransport = new ConcurrentHashMap<>();
    private final Map<String, Counter> deliveries = new ConcurrentHashMap<>();
    private final DistributionSummary depth;
    private final AtomicLong ids = new AtomicLong();
    private volatile boolean shuttingDown;

    public SessionRegistry(
            Subscriptions subscriptions, int queueCapacity, int maxPerOwner, MeterRegistry meters) {
        this.subscriptions = subscriptions;
        this.queueCapacity = queueCapacity;
        this.maxPerOwner = maxPerOwner;
        this.meters = meters;
        for (String transport : TRANSPORTS) {
            AtomicInteger count = new AtomicInteger();
            byTransport.put(transport, count);
            Gauge.builder(SESSIONS_METRIC, count, AtomicInteger::get)
                    .description("Open push sessions, by transport")
                    .tag("transport", transport)
                    .register(meters);
            deliveries.put(
                    transport,
                    Counter.builder(DELIVERIES_METRIC)
                            .description("Events written to push clients, by transport")
                            .tag("transport", transport)
                            .register(meters));
        }
        this.depth =
                DistributionSummary.builder(QUEUE_DEPTH_METRIC)
                        .description("Events queued for a session when its writer woke")
                        .publishPercentileHistogram()
                        .maximumExpectedValue((double) queueCapacity)
                        .register(meters);
    }

    /**
     * A new session with a queue of the configured capacity, counted until released.
     *
     * @param transport one of {@link #TRANSPORTS}
     * @param owner who connects: sessions are limited per owner
     * @throws TooManySessionsException when {@code owner} holds the most sessions allowed
     */
    public Session open(String transport, String owner) throws TooManySessionsException {
        boolean[] admitted = {false};
        byOwner.compute(
                owner,
                (o, held) -> {
                    int n = held == null ? 0 : held;
                    admitted[0] = n < maxPerOwner;
                    return admitted[0] ? n + 1 : held;
                });
        if (!admitted[0]) {
            throw new TooManySessionsException(
                    "this token already holds " + maxPerOwner + " open streams");
        }
        Session session =
                new Session(
                        ids.incrementAndGet(), transport, owner, queueCapacity, this::countClose);
        sessions.put(session.id(), session);
        byTransport.get(transport).incrementAndGet();
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
        subscriptions.unsubscribeAll(session);
        if (sessions.remove(session.id()) != null) {
            byTransport.get(session.transport()).decrementAndGet();
            releaseOwner(session.owner());
        }
    }

    /** Counts {@code events} written by a writer that found {@code queued} events waiting. */
    public void delivered(Session session, int events, int queued) {
        deliveries.get(session.transport()).increment(events);
        depth.record(queued);
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

    private void releaseOwner(String owner) {
        byOwner.computeIfPresent(owner, (o, n) -> n <= 1 ? null : n - 1);
    }

    private void countClose(CloseReason reason) {
        Counter.builder(DISCONNECTS_METRIC)
                .description("Push sessions ended, by reason")
                .tag("reason", reason.code())
                .register(meters)
                .increment();
    }
}

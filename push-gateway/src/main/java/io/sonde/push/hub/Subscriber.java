package io.sonde.push.hub;

/**
 * Receives the live events of the channels it subscribed to, from the {@link Hub}.
 *
 * <p>Threading: {@link #offer} is called on the publisher's thread while the hub holds the
 * channel's lock, so it must return at once: queue the event or refuse it, never block and never
 * write to a socket. Ordering: events of one channel arrive in publish order; events of different
 * channels may interleave in any order. Delivery: at most once; an event offered to a subscriber
 * that refuses it is not offered again.
 */
public interface Subscriber {
    /**
     * Offers one event.
     *
     * @return false when the subscriber is closed (or has just closed itself because it cannot keep
     *     up): the hub then drops it from the channel
     */
    boolean offer(PushEvent event);
}

package io.sonde.bench.fanout;

/**
 * A set of subscribers to one server, all feeding one {@link Deliveries}. {@link #close()} drops
 * them all.
 */
interface Subscribers extends AutoCloseable {
    /** Subscribers whose stream is open and subscribed now. */
    int ready();

    /** Subscribers whose stream ended (server closed it, error) since they opened. */
    int ended();

    @Override
    void close();
}

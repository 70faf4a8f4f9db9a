package io.sonde.bench.fanout;

/**
 * One server under test: the push gateway over SSE, or the Node peer over WebSocket.
 *
 * <p>Threading: used by the ramp's thread only; subscribers deliver on their client's threads.
 */
interface FanoutTarget extends AutoCloseable {
    /** Name in the results, e.g. {@code push-gateway (SSE)}. */
    String name();

    /** Opens {@code count} subscribers feeding {@code sink}; returns once they are connecting. */
    Subscribers subscribe(int count, Deliveries sink);

    Publisher publisher();

    /** CPU time the server process has used so far, in nanoseconds. */
    long serverCpuNanos();

    @Override
    void close();
}

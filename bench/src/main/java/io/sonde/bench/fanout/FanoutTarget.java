package io.sonde.bench.fanout;

/**
 * One server under test: the push gateway over WebSocket or SSE, or the Node peer over WebSocket.
 *
 * <p>Threading: used by the ramp's thread only; subscribers deliver on their client's threads.
 */
interface FanoutTarget extends AutoCloseable {
    /** Name in the results, e.g. {@code push-gateway (sse)}. */
    String name();

    /** How one subscriber to this server opens its stream. */
    StreamSubscribers.Opener subscriber();

    /** Opens {@code count} subscribers feeding {@code sink}; returns once they are connecting. */
    default Subscribers subscribe(int count, Deliveries sink) {
        return StreamSubscribers.receiving(subscriber(), count, sink);
    }

    Publisher publisher();

    /** CPU time the server process has used so far, in nanoseconds. */
    long serverCpuNanos();

    @Override
    void close();
}

package io.sonde.bench.fanout;

import io.sonde.bench.load.StreamClients;
import java.net.URI;

/** Fan-out subscribers on {@link StreamClients}: every message's text handed to the sink. */
final class StreamSubscribers implements Subscribers {
    private final StreamClients clients = new StreamClients();

    private StreamSubscribers() {}

    /** WebSockets to {@code uri}, each sending {@code subscribeOp} unless it is empty. */
    static Opener webSocket(URI uri, String subscribeOp) {
        return (clients, listener) -> clients.webSocket(uri, subscribeOp, listener);
    }

    /** SSE streams from {@code uri}, with {@code token} as bearer token. */
    static Opener sse(URI uri, String token) {
        return (clients, listener) -> clients.sse(uri, token, "", listener);
    }

    /** {@code count} subscribers opened by {@code opener}, each message's text to the sink. */
    static StreamSubscribers receiving(Opener opener, int count, Deliveries sink) {
        StreamSubscribers subs = new StreamSubscribers();
        for (int i = 0; i < count; i++) {
            opener.open(subs.clients, (id, data) -> sink.received(data));
        }
        return subs;
    }

    /**
     * {@code count} subscribers opened by {@code opener} that stop reading once subscribed: they
     * receive nothing the sink sees, and their ending is not counted as a dropped subscriber.
     */
    static StreamSubscribers stalled(Opener opener, int count) {
        StreamSubscribers subs = new StreamSubscribers();
        StreamClients.Listener stalled =
                new StreamClients.Listener() {
                    @Override
                    public void message(String id, CharSequence data) {}

                    @Override
                    public boolean stalls() {
                        return true;
                    }
                };
        for (int i = 0; i < count; i++) {
            opener.open(subs.clients, stalled);
        }
        return subs;
    }

    /** Opens one stream of a target on {@code clients}. */
    @FunctionalInterface
    interface Opener {
        void open(StreamClients clients, StreamClients.Listener listener);
    }

    @Override
    public int ready() {
        return clients.ready();
    }

    @Override
    public int ended() {
        return clients.ended();
    }

    @Override
    public void close() {
        clients.close();
    }
}

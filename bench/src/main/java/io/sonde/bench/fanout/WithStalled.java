package io.sonde.bench.fanout;

/**
 * A target whose every ramp also holds {@code stalled} subscribers that stop reading once
 * subscribed (a frozen browser tab, a client on a dead link): what they cost the others is the
 * difference from the same target without them, in the same run. The server may drop them; that is
 * not counted as a dropped subscriber.
 */
final class WithStalled implements FanoutTarget {
    private final FanoutTarget target;
    private final int stalled;

    WithStalled(FanoutTarget target, int stalled) {
        this.target = target;
        this.stalled = stalled;
    }

    @Override
    public String name() {
        return target.name() + " + " + stalled + " stalled";
    }

    @Override
    public StreamSubscribers.Opener subscriber() {
        return target.subscriber();
    }

    @Override
    public Subscribers subscribe(int count, Deliveries sink) {
        StreamSubscribers frozen = StreamSubscribers.stalled(target.subscriber(), stalled);
        Subscribers live = target.subscribe(count, sink);
        return new Subscribers() {
            @Override
            public int ready() {
                return frozen.ready() + frozen.ended() >= stalled ? live.ready() : 0;
            }

            @Override
            public int ended() {
                return live.ended();
            }

            @Override
            public void close() {
                live.close();
                frozen.close();
            }
        };
    }

    @Override
    public Publisher publisher() {
        return target.publisher();
    }

    @Override
    public long serverCpuNanos() {
        return target.serverCpuNanos();
    }

    @Override
    public void close() {}
}

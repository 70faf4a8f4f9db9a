package io.sonde.push.session;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The subscription meters of docs/operations.md: {@code sonde.push.subscriptions} (gauge) and
 * {@code sonde.push.resumes} (counter, tag {@code outcome}: {@code exact}, {@code gap}, {@code
 * malformed}).
 */
public final class SubscriptionMeters {
    public static final String SUBSCRIPTIONS = "sonde.push.subscriptions";
    public static final String RESUMES = "sonde.push.resumes";

    /** A cursor continued with no gap. */
    public static final String EXACT = "exact";

    /** A cursor named expired data: a gap event came first. */
    public static final String GAP = "gap";

    /** A cursor that is not one of ours was refused. */
    public static final String MALFORMED = "malformed";

    private final AtomicInteger subscriptions = new AtomicInteger();
    private final Counter exact;
    private final Counter gap;
    private final Counter malformed;

    public SubscriptionMeters(MeterRegistry meters) {
        Gauge.builder(SUBSCRIPTIONS, subscriptions, AtomicInteger::get)
                .description("Channel subscriptions of open push sessions")
                .register(meters);
        this.exact = resumes(meters, EXACT);
        this.gap = resumes(meters, GAP);
        this.malformed = resumes(meters, MALFORMED);
    }

    void subscribed() {
        subscriptions.incrementAndGet();
    }

    void unsubscribed() {
        subscriptions.decrementAndGet();
    }

    /** Subscriptions open now. */
    public int subscriptions() {
        return subscriptions.get();
    }

    /** A replay from a cursor finished reading history, with or without a gap. */
    public void resumed(boolean withGap) {
        (withGap ? gap : exact).increment();
    }

    public void malformedCursor() {
        malformed.increment();
    }

    private static Counter resumes(MeterRegistry meters, String outcome) {
        return Counter.builder(RESUMES)
                .description("Streams resumed from a cursor, by outcome")
                .tag("outcome", outcome)
                .register(meters);
    }
}

package io.sonde.bench.fanout;

import io.sonde.bench.LatencyRecorder;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The receiving side shared by both servers: every subscriber hands each message it receives here,
 * whatever the transport. The payload carries the publisher's intended send time ({@code
 * "sent":"<System.nanoTime()>"}, same JVM), so latency = receive time - intended send time, free of
 * coordinated omission.
 *
 * <p>Threading: {@link #received} from any thread; {@link #nextStep} from the ramp's thread between
 * steps (a message racing the swap lands in either step).
 */
final class Deliveries {
    private static final String SENT_FIELD = "\"sent\":\"";

    private final AtomicReference<Step> current = new AtomicReference<>(new Step());

    /** One ramp step's deliveries. */
    static final class Step {
        private final LatencyRecorder latency = new LatencyRecorder();
        private final LongAdder count = new LongAdder();
        private final LongAdder unreadable = new LongAdder();

        LatencyRecorder latency() {
            return latency;
        }

        long count() {
            return count.sum();
        }

        long unreadable() {
            return unreadable.sum();
        }
    }

    /** One message as received by one subscriber. */
    void received(CharSequence payload) {
        long now = System.nanoTime();
        Step step = current.get();
        long sent = sentNanos(payload);
        if (sent == Long.MIN_VALUE) {
            step.unreadable.increment();
            return;
        }
        step.latency.recordSince(sent, now);
        step.count.increment();
    }

    /** Starts a new step and returns it. */
    Step nextStep() {
        Step next = new Step();
        current.set(next);
        return next;
    }

    Step current() {
        return current.get();
    }

    /**
     * The digits after the last {@code "sent":"}, or MIN_VALUE when there are none. Searched from
     * the end: both servers' messages end with the attributes, so the search costs the same few
     * characters whatever else a message carries (the push gateway's envelope is longer than the
     * peer's), and the load generator's cost per message does not favour either side.
     */
    static long sentNanos(CharSequence payload) {
        int at = lastIndexOf(payload, SENT_FIELD);
        if (at < 0) {
            return Long.MIN_VALUE;
        }
        long value = 0;
        boolean negative = false;
        int i = at + SENT_FIELD.length();
        if (i < payload.length() && payload.charAt(i) == '-') {
            negative = true;
            i++;
        }
        int digits = 0;
        for (; i < payload.length(); i++) {
            char c = payload.charAt(i);
            if (c < '0' || c > '9') {
                break;
            }
            value = value * 10 + (c - '0');
            digits++;
        }
        return digits == 0 ? Long.MIN_VALUE : negative ? -value : value;
    }

    private static int lastIndexOf(CharSequence s, String needle) {
        outer:
        for (int i = s.length() - needle.length(); i >= 0; i--) {
            for (int j = 0; j < needle.length(); j++) {
                if (s.charAt(i + j) != needle.charAt(j)) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}

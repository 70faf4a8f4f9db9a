package io.sonde.bench.resume;

import io.sonde.bench.load.StreamClients;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One viewer of {@code telemetry:DEVICE} across a disconnect: what it received, in which order, and
 * when. The bench's readings of one device carry seq 0, 1, 2, ...; a resumer expects them exactly
 * once and in order from {@code firstSeq}, and counts every other seq as a violation.
 *
 * <p>Threading: {@link #message} on the client's event-loop thread; the rest read by the scenario
 * after {@code done} counted it, which publishes the fields (an atomic increment after the writes).
 */
final class Resumer implements StreamClients.Listener {
    private static final String SEQ_FIELD = "\"seq\":";

    private final String device;
    private final long firstSeq;
    private final int wanted;
    private final AtomicInteger done;
    private final long startNanos = System.nanoTime();
    private long nextSeq;
    private int received;
    private int violations;
    private String lastId = "";
    private long firstNanos;
    private long doneNanos;

    /**
     * @param wanted events after which this resumer counts itself done in {@code done}
     */
    Resumer(String device, long firstSeq, int wanted, AtomicInteger done) {
        this.device = device;
        this.firstSeq = firstSeq;
        this.nextSeq = firstSeq;
        this.wanted = wanted;
        this.done = done;
    }

    @Override
    public void message(String id, CharSequence data) {
        long now = System.nanoTime();
        long seq = seq(data);
        if (seq != nextSeq) {
            violations++;
        }
        nextSeq = seq + 1;
        if (!id.isEmpty()) {
            lastId = id;
        }
        if (received++ == 0) {
            firstNanos = now;
        }
        if (received == wanted) {
            doneNanos = now;
            done.incrementAndGet();
        }
    }

    String device() {
        return device;
    }

    /** The id of the last event received: where the next connection resumes. */
    String lastId() {
        return lastId;
    }

    long nextSeq() {
        return nextSeq;
    }

    int received() {
        return received;
    }

    /** Events out of order, repeated or after a gap; 0 for an exact resume. */
    int violations() {
        return violations + (received > wanted ? received - wanted : 0);
    }

    long firstSeq() {
        return firstSeq;
    }

    /** Nanoseconds from opening the stream to its first event. */
    long toFirstNanos() {
        return firstNanos - startNanos;
    }

    /** System.nanoTime() at the last wanted event. */
    long doneNanos() {
        return doneNanos;
    }

    static long seq(CharSequence data) {
        String s = data.toString();
        int at = s.indexOf(SEQ_FIELD);
        if (at < 0) {
            return -1;
        }
        long value = 0;
        for (int i = at + SEQ_FIELD.length(); i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                break;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}

package io.sonde.bench;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends on a fixed schedule, whatever the replies do: send {@code i} is due at {@code start + i /
 * rate}. When the sender falls behind it catches up by sending at once, but each send still carries
 * its intended time, so latency measured from it includes the time the send waited (no coordinated
 * omission).
 *
 * <p>Threading: {@link #run} calls {@link Send#send} on the calling thread, one at a time, in index
 * order; a send must not block (hand the work to an async socket). Bounded by count and by time.
 */
public final class OpenLoop {
    private OpenLoop() {}

    /** One scheduled send. */
    @FunctionalInterface
    public interface Send {
        /**
         * @param index 0, 1, 2, ...
         * @param intendedNanos when this send was due, on the {@link System#nanoTime()} clock
         */
        void send(long index, long intendedNanos) throws Exception;
    }

    /**
     * @param sent sends made
     * @param elapsed from the first due time to the return
     * @param maxLagNanos the largest delay of a send behind its due time (the sender's own lag)
     */
    public record Stats(long sent, Duration elapsed, long maxLagNanos) {
        public double ratePerSecond() {
            return sent / Math.max(1e-9, elapsed.toNanos() / 1e9);
        }
    }

    /**
     * Sends at {@code perSecond} until {@code duration} has passed or {@code maxSends} were made.
     */
    public static Stats run(double perSecond, Duration duration, long maxSends, Send send)
            throws Exception {
        if (!(perSecond > 0)) {
            throw new IllegalArgumentException("rate must be positive, got " + perSecond);
        }
        double intervalNanos = 1e9 / perSecond;
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        long maxLag = 0;
        long i = 0;
        while (i < maxSends && !Thread.currentThread().isInterrupted()) {
            long due = start + (long) (i * intervalNanos);
            if (due >= end) {
                break;
            }
            long now = System.nanoTime();
            if (now < due) {
                LockSupport.parkNanos(due - now);
                continue;
            }
            maxLag = Math.max(maxLag, now - due);
            send.send(i, due);
            i++;
        }
        return new Stats(i, Duration.ofNanos(System.nanoTime() - start), maxLag);
    }
}

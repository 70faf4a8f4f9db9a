package io.sonde.simulator;

/**
 * When a device's readings fall due and which seq each gets. Reading {@code k} is due at {@code
 * start + k / rate} and carries {@code firstSeq + k}: the schedule is open-loop, fixed by the clock
 * and never by acks, and seq grows strictly by one per reading.
 *
 * <p>Not thread-safe: owned by one device.
 */
final class ReadingSchedule {
    private final long startUnixNanos;
    private final double periodNanos;
    private final long firstSeq;
    private long emitted;

    /**
     * @param ratePerSecond readings per second, may be fractional
     * @param startUnixNanos when reading 0 is due
     * @param firstSeq seq of reading 0
     */
    ReadingSchedule(double ratePerSecond, long startUnixNanos, long firstSeq) {
        this.periodNanos = 1e9 / ratePerSecond;
        this.startUnixNanos = startUnixNanos;
        this.firstSeq = firstSeq;
    }

    /** How many readings fell due up to {@code nowUnixNanos} and were not taken yet. */
    int due(long nowUnixNanos) {
        if (nowUnixNanos < startUnixNanos) {
            return 0;
        }
        long dueTotal = (long) Math.floor((nowUnixNanos - startUnixNanos) / periodNanos) + 1;
        return (int) Math.min(Integer.MAX_VALUE, Math.max(0, dueTotal - emitted));
    }

    /** Seq of the next reading to take. */
    long nextSeq() {
        return firstSeq + emitted;
    }

    /** Due time of the next reading to take. */
    long nextDueUnixNanos() {
        return startUnixNanos + Math.round(emitted * periodNanos);
    }

    /** Takes the next reading: its seq and due time move on by one. */
    void advance() {
        emitted++;
    }

    /** Readings taken so far. */
    long emitted() {
        return emitted;
    }
}

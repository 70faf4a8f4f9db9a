package io.sonde.simulator;

import io.sonde.client.device.Frame;

/**
 * A batch that waits for its ack. Mutable state is guarded by the owning device's lock.
 *
 * @see VirtualDevice
 */
final class PendingBatch {
    final long firstSeq;
    final long lastSeq;
    final int readings;
    final Frame frame;

    /** {@link System#nanoTime()} when the batch fell due: ack latency counts from here. */
    final long dueNanos;

    /** Sent on the current connection and neither acked nor rejected since. */
    boolean sent;

    /** Sent at least once, on any connection. */
    boolean everSent;

    PendingBatch(long firstSeq, long lastSeq, int readings, Frame frame, long dueNanos) {
        this.firstSeq = firstSeq;
        this.lastSeq = lastSeq;
        this.readings = readings;
        this.frame = frame;
        this.dueNanos = dueNanos;
    }
}

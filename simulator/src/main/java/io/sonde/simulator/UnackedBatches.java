package io.sonde.simulator;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Optional;

/**
 * A device's batches from when they fall due until an Ack or a final Error settles them, in seq
 * order, bounded. Which batch goes out next, and which again, is decided here.
 *
 * <p>Acks are cumulative (docs/device-protocol.md): {@code Ack{seq}} settles every batch whose last
 * seq is {@code <= seq}, sent or not. A retryable Error puts its batch back in line and pauses all
 * sending until {@code retry_after_ms} has passed, so the device backs off as a whole.
 *
 * <p>Not thread-safe: guarded by the owning device's lock.
 */
final class UnackedBatches {
    private final ArrayDeque<PendingBatch> batches = new ArrayDeque<>();
    private final int capacity;
    private final SimulationStats stats;
    private boolean paused;
    private long pausedUntilNanos;

    UnackedBatches(int capacity, SimulationStats stats) {
        this.capacity = capacity;
        this.stats = stats;
    }

    /** Queues {@code batch}, or counts its readings as dropped when the queue is full. */
    boolean offer(PendingBatch batch) {
        if (batches.size() >= capacity) {
            stats.dropped(batch.readings);
            return false;
        }
        batches.addLast(batch);
        stats.queued();
        return true;
    }

    /** The oldest batch not sent on this connection, marked as sent; empty while paused. */
    Optional<PendingBatch> nextToSend(long nowNanos) {
        if (paused && nowNanos - pausedUntilNanos < 0) {
            return Optional.empty();
        }
        paused = false;
        for (PendingBatch batch : batches) {
            if (!batch.sent) {
                stats.sent(batch, batch.everSent);
                batch.sent = true;
                batch.everSent = true;
                return Optional.of(batch);
            }
        }
        return Optional.empty();
    }

    /** Settles every batch whose last seq is {@code <= seq}; returns how many. */
    int ack(long seq, long nowNanos) {
        int settled = 0;
        while (!batches.isEmpty() && batches.peekFirst().lastSeq <= seq) {
            stats.acked(batches.pollFirst(), nowNanos);
            settled++;
        }
        return settled;
    }

    /** Drops the batch starting at {@code firstSeq} for good; returns whether there was one. */
    boolean reject(long firstSeq) {
        Iterator<PendingBatch> it = batches.iterator();
        while (it.hasNext()) {
            PendingBatch batch = it.next();
            if (batch.firstSeq == firstSeq) {
                it.remove();
                stats.rejected(batch);
                return true;
            }
        }
        return false;
    }

    /** Puts the batch starting at {@code firstSeq} back in line and pauses sending until then. */
    void retry(long firstSeq, long untilNanos) {
        batches.stream().filter(b -> b.firstSeq == firstSeq).forEach(b -> b.sent = false);
        if (!paused || untilNanos - pausedUntilNanos > 0) {
            pausedUntilNanos = untilNanos;
        }
        paused = true;
    }

    /** A new connection: nothing has been sent on it yet, so everything queued goes again. */
    void resendAll() {
        batches.forEach(batch -> batch.sent = false);
    }

    int size() {
        return batches.size();
    }
}

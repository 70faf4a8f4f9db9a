package io.sonde.ingest.protocol;

import java.util.ArrayDeque;
import java.util.Optional;

/**
 * The ack protocol of one device connection (docs/device-protocol.md, "Acknowledgements"), and its
 * only owner: which batches are written, which are answered again as resends, which are refused,
 * and the order their replies go out in. Pure bookkeeping, no I/O and no clock; not thread-safe
 * (the device's connection calls it under its lock).
 *
 * <p>The rules:
 *
 * <ul>
 *   <li>Replies go out in the order their batches arrived; a reply is due once it and every reply
 *       before it are decided.
 *   <li>A batch whose seqs are all at or below the last Ack sent is a resend: answered with an Ack
 *       of its last seq, not written again.
 *   <li>The readings of a batch refused with a retryable code (rate limit, in-flight limit, Kafka
 *       unavailable) stay <em>owed</em> until a batch holding them is durable. No Ack is sent while
 *       an owed reading lies at or below its seq: such a batch is refused instead ("seq N was
 *       refused: resend from it"), also when it was already written (its readings are in Kafka; the
 *       resend is dropped downstream as a duplicate), and a batch that starts above the lowest owed
 *       reading is refused on arrival, unwritten. So an Ack never vouches for a reading that was
 *       refused and not resent, whatever order the device sends in.
 *   <li>A batch refused as invalid is refused for good: resending it cannot help, so its readings
 *       are not owed, and they are excluded from every later Ack (the Error told the device so).
 *   <li>At most {@code maxInflight} batches are being written at once; one more is refused with
 *       RESOURCE_EXHAUSTED. At most {@code maxInflight * 2} replies wait in all ({@link #hasRoom}):
 *       the connection stops reading until there is room. At most as many readings are owed as all
 *       those replies can hold ({@code maxInflight * 2 * maxReadingsPerBatch}, 8 bytes each; {@link
 *       #overflowed}): a device that keeps sending new readings instead of resending refused ones
 *       is closed. So a flood of refused batches holds bounded memory.
 * </ul>
 */
public final class AckLedger {
    static final long RESEND_RETRY_AFTER_MS = 100;

    private final int maxInflight;
    private final int maxWaiting;
    private final long maxOwed;
    // Small at first: an idle connection owes nothing; it grows with the device's pipelining.
    private final ArrayDeque<Entry> waiting = new ArrayDeque<>(2);
    private final OwedSeqs owed = new OwedSeqs();
    // Refused for good above the last Ack: the device dropped them, so they never become owed,
    // even when a copy sent before the refusal is refused again. Bounded like owed (lowest go).
    private final OwedSeqs dropped = new OwedSeqs();
    private int writing;
    private long lastAck = -1;

    public AckLedger(int maxInflight, int maxReadingsPerBatch) {
        if (maxInflight < 1) {
            throw new IllegalArgumentException("max in-flight batches must be at least 1");
        }
        this.maxInflight = maxInflight;
        this.maxWaiting = maxInflight * 2;
        this.maxOwed = (long) maxWaiting * Math.max(1, maxReadingsPerBatch);
    }

    /** A batch the caller must write, then report with {@link #written}. */
    public static final class Ticket {
        private final Entry entry;

        private Ticket(Entry entry) {
            this.entry = entry;
        }
    }

    /**
     * A reply that is due: an Ack of {@code seq}, or the refusal of the batch starting at {@code
     * seq}.
     */
    public record Reply(long seq, Optional<Rejection> rejection, long arrivedNanos) {}

    /** What {@link #arrive} made of a batch. */
    public sealed interface Arrival {
        /** Write the batch, then report how it went with {@link #written}. */
        record Write(Ticket ticket) implements Arrival {}

        /** Already acknowledged: answered again, not to be written. */
        record Resend() implements Arrival {}

        /** Refused by the protocol (owed readings below it, the in-flight limit); not written. */
        record Refused(Rejection rejection) implements Arrival {}
    }

    /**
     * Takes a batch in arrival order, by the seqs of its readings (kept until it is answered) and
     * the time it arrived (handed back with its reply).
     *
     * @return a ticket when the batch must be written; else the answer the ledger queued itself
     */
    public Arrival arrive(long[] seqs, long arrivedNanos) {
        Entry entry = new Entry(seqs, arrivedNanos);
        waiting.addLast(entry);
        if (entry.last() <= lastAck) {
            entry.decide(Optional.empty());
            return new Arrival.Resend();
        }
        if (!owed.isEmpty() && entry.firstAbove(lastAck) > owed.first()) {
            entry.decide(Optional.of(resendFirst()));
            return new Arrival.Refused(entry.outcome.get());
        }
        if (writing >= maxInflight) {
            entry.decide(
                    Optional.of(
                            Rejection.exhausted(
                                    "more than "
                                            + maxInflight
                                            + " batches in flight on this connection",
                                    RESEND_RETRY_AFTER_MS)));
            return new Arrival.Refused(entry.outcome.get());
        }
        writing++;
        return new Arrival.Write(new Ticket(entry));
    }

    /**
     * Queues, in order, an error about a message that is no batch (seq 0 in the reply); it touches
     * no seq bookkeeping.
     */
    public void notice(Rejection rejection, long arrivedNanos) {
        Entry e = new Entry(null, arrivedNanos);
        e.decide(Optional.of(rejection));
        waiting.addLast(e);
    }

    /** Records how a ticket's write ended: empty when durable, else why it was refused. */
    public void written(Ticket ticket, Optional<Rejection> outcome) {
        Entry entry = ticket.entry;
        if (entry.decided) {
            return; // cleared meanwhile
        }
        entry.decide(outcome);
        entry.written = outcome.isEmpty();
        writing--;
    }

    /**
     * The next reply due in order.
     *
     * @return empty while the oldest reply is undecided, or none waits
     */
    public Optional<Reply> nextDue() {
        Entry head = waiting.peekFirst();
        if (head == null || !head.decided) {
            return Optional.empty();
        }
        waiting.pollFirst();
        if (head.seqs == null) {
            return Optional.of(new Reply(0, head.outcome, head.arrivedNanos));
        }
        if (head.written) {
            owed.removeAll(head.seqs); // durable now, whatever the reply says
        }
        if (head.last() <= lastAck) {
            return Optional.of(
                    new Reply(
                            head.last(), Optional.empty(), head.arrivedNanos)); // all acked before
        }
        Optional<Rejection> outcome = head.outcome;
        if (outcome.isEmpty() && !owed.isEmpty() && owed.first() <= head.last()) {
            outcome = Optional.of(resendFirst()); // durable, but an Ack would cover owed readings
        }
        if (outcome.isEmpty()) {
            lastAck = head.last();
            dropped.removeUpTo(lastAck);
            return Optional.of(new Reply(head.last(), Optional.empty(), head.arrivedNanos));
        }
        if (outcome.get().retryable()) {
            if (!head.written) {
                owed.addAbove(head.seqs, lastAck, dropped);
            }
        } else {
            owed.removeAll(head.seqs); // refused for good: the device drops them
            dropped.addAbove(head.seqs, lastAck, owed);
            dropped.keepHighest((int) Math.min(Integer.MAX_VALUE, maxOwed));
        }
        return Optional.of(new Reply(head.seqs[0], outcome, head.arrivedNanos));
    }

    /** Whether another batch may be taken: the replies waiting are below their bound. */
    public boolean hasRoom() {
        return waiting.size() < maxWaiting;
    }

    /**
     * Whether the device owes more refused readings than the bound: it sends new readings instead
     * of resending, and the connection must close.
     */
    public boolean overflowed() {
        return owed.size() > maxOwed;
    }

    /** Replies owed: batches taken and not yet answered. */
    public int owedReplies() {
        return waiting.size();
    }

    /** The highest seq acknowledged, -1 before the first Ack. */
    long lastAck() {
        return lastAck;
    }

    /** The connection is gone: nothing is owed any more. */
    public void clear() {
        // Tickets still out may report later: marked decided, they change nothing.
        waiting.forEach(e -> e.decided = true);
        waiting.clear();
        owed.clear();
        dropped.clear();
        writing = 0;
    }

    private Rejection resendFirst() {
        return Rejection.exhausted(
                "seq " + owed.first() + " was refused: resend from it before newer readings",
                RESEND_RETRY_AFTER_MS);
    }

    // One reply owed: for a batch (its seqs) or a notice (no seqs).
    private static final class Entry {
        private final long[] seqs;
        private final long arrivedNanos;
        private boolean decided;
        private boolean written;
        private Optional<Rejection> outcome = Optional.empty();

        private Entry(long[] seqs, long arrivedNanos) {
            this.seqs = seqs;
            this.arrivedNanos = arrivedNanos;
        }

        void decide(Optional<Rejection> outcome) {
            this.decided = true;
            this.outcome = outcome;
        }

        long last() {
            return seqs[seqs.length - 1];
        }

        // The first seq the device still waits for: the first above the last Ack.
        long firstAbove(long lastAck) {
            for (long seq : seqs) {
                if (seq > lastAck) {
                    return seq;
                }
            }
            return seqs[0];
        }
    }
}

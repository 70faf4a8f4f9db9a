package io.sonde.ingest.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.sonde.proto.v1.ErrorCode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The ack protocol of one connection: each rule alone, then against a model device. */
class AckLedgerTest {
    private static final Optional<Rejection> DURABLE = Optional.empty();
    private static final Rejection BUSY = Rejection.unavailable("Kafka is not reachable", 1_000);
    private static final Rejection BAD = Rejection.invalid("readings[0].metrics: not finite");

    private final AckLedger ledger = new AckLedger(4, 1_000);

    @Test
    void repliesGoOutInArrivalOrderWhateverOrderTheWritesEndIn() {
        AckLedger.Ticket a = write(1, 2);
        AckLedger.Ticket b = write(3, 4);

        ledger.written(b, DURABLE);
        assertThat(ledger.nextDue()).as("the first batch is still being written").isEmpty();
        ledger.written(a, DURABLE);

        assertThat(drain()).containsExactly("ack 2", "ack 4");
        assertThat(ledger.lastAck()).isEqualTo(4);
        assertThat(ledger.owedReplies()).isZero();
    }

    @Test
    void aResendOfAcknowledgedReadingsIsAnsweredAgainAndNotWritten() {
        ledger.written(write(1, 2, 3), DURABLE);
        drain();

        assertThat(ledger.arrive(seqs(2, 3), 0)).isInstanceOf(AckLedger.Arrival.Resend.class);
        assertThat(drain()).containsExactly("ack 3");
        assertThat(ledger.arrive(seqs(3, 4), 0)).isInstanceOf(AckLedger.Arrival.Write.class);
    }

    @Test
    void aRetryableRefusalHoldsBackEveryLaterAckUntilTheResend() {
        AckLedger.Ticket a = write(10, 11);
        AckLedger.Ticket b = write(12, 13);
        ledger.written(a, Optional.of(BUSY));
        ledger.written(b, DURABLE); // durable, but its Ack would vouch for 10 and 11

        assertThat(drain()).containsExactly("UNAVAILABLE 10", "RESOURCE_EXHAUSTED 12");
        assertThat(ledger.arrive(seqs(14), 0))
                .as("above the refused readings: refused unwritten")
                .isInstanceOf(AckLedger.Arrival.Refused.class);
        assertThat(drain()).containsExactly("RESOURCE_EXHAUSTED 14");

        ledger.written(write(10, 11, 12, 13, 14), DURABLE);
        assertThat(drain()).containsExactly("ack 14");
    }

    @Test
    void aPartialResendDoesNotReleaseTheRestOfTheRefusedReadings() {
        ledger.written(write(10, 20, 30), Optional.of(BUSY));
        drain();

        ledger.written(write(10), DURABLE);
        AckLedger.Ticket skipping = write(10, 40); // skips 20 and 30, still owed
        ledger.written(skipping, DURABLE);

        assertThat(drain()).containsExactly("ack 10", "RESOURCE_EXHAUSTED 10");
        ledger.written(write(20, 30, 40), DURABLE);
        assertThat(drain()).containsExactly("ack 40");
    }

    @Test
    void theOwedReadingIsTheFirstOneNotYetAcknowledged() {
        ledger.written(write(5, 6), DURABLE);
        drain();
        ledger.written(write(6, 9), Optional.of(BUSY)); // overlaps the last Ack
        assertThat(drain()).containsExactly("UNAVAILABLE 6");

        // Sparse seqs: the device resends from 9, its oldest unacknowledged reading.
        ledger.written(write(9, 12), DURABLE);
        assertThat(drain()).containsExactly("ack 12");
    }

    @Test
    void anInvalidBatchIsRefusedForGoodAndHoldsNothingBack() {
        AckLedger.Ticket bad = write(1, 2);
        AckLedger.Ticket good = write(3);
        ledger.written(bad, Optional.of(BAD));
        ledger.written(good, DURABLE);

        assertThat(drain()).containsExactly("INVALID_ARGUMENT 1", "ack 3");
    }

    @Test
    void anInvalidResendOfOwedReadingsReleasesThem() {
        ledger.written(write(1, 2), Optional.of(BUSY));
        drain();
        ledger.written(write(1, 2), Optional.of(BAD)); // the device drops them now
        assertThat(drain()).containsExactly("INVALID_ARGUMENT 1");

        ledger.written(write(3), DURABLE);
        assertThat(drain()).containsExactly("ack 3");
    }

    @Test
    void refusesTheBatchBeyondTheInFlightLimitAndBoundsTheRepliesWaiting() {
        List<AckLedger.Ticket> writing = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            writing.add(write(i));
        }
        AckLedger.Arrival fifth = ledger.arrive(seqs(4), 0);
        assertThat(fifth).isInstanceOf(AckLedger.Arrival.Refused.class);
        assertThat(((AckLedger.Arrival.Refused) fifth).rejection().code())
                .isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
        for (int i = 5; i < 8; i++) {
            assertThat(ledger.hasRoom()).isTrue();
            ledger.arrive(seqs(i), 0);
        }
        assertThat(ledger.hasRoom()).as("8 replies wait: twice the in-flight limit").isFalse();

        writing.forEach(t -> ledger.written(t, DURABLE));
        drain();
        assertThat(ledger.hasRoom()).isTrue();
    }

    @Test
    void aReplyCarriesTheTimeItsBatchArrived() {
        AckLedger.Arrival a = ledger.arrive(seqs(1), 111);
        ledger.written(((AckLedger.Arrival.Write) a).ticket(), DURABLE);
        assertThat(ledger.nextDue().orElseThrow().arrivedNanos()).isEqualTo(111);

        ledger.arrive(seqs(1), 222); // a resend, answered by the ledger itself
        assertThat(ledger.nextDue().orElseThrow().arrivedNanos()).isEqualTo(222);
    }

    @Test
    void aNoticeTakesItsPlaceInTheOrderWithSeqZero() {
        AckLedger.Ticket a = write(1);
        ledger.notice(BAD, 0);
        ledger.written(a, DURABLE);

        assertThat(drain()).containsExactly("ack 1", "INVALID_ARGUMENT 0");
    }

    @Test
    void afterClearNothingIsOwedAnyMore() {
        ledger.written(write(1, 2), Optional.of(BUSY));
        drain(); // 1 and 2 are owed
        ledger.clear();

        assertThat(ledger.arrive(seqs(3), 0)).isInstanceOf(AckLedger.Arrival.Write.class);
        assertThat(ledger.owedReplies()).isEqualTo(1);
    }

    @Test
    void afterClearALateWriteChangesNothing() {
        AckLedger.Ticket a = write(1);
        ledger.clear();
        ledger.written(a, DURABLE);

        assertThat(ledger.nextDue()).isEmpty();
        assertThat(ledger.owedReplies()).isZero();
        for (int i = 0; i < 4; i++) {
            assertThat(ledger.arrive(seqs(10 + i), 0)).isInstanceOf(AckLedger.Arrival.Write.class);
        }
    }

    @Test
    void aDeviceThatNeverResendsOverflowsItsBound() {
        AckLedger small = new AckLedger(1, 3); // 2 replies x 3 readings may be owed
        AckLedger.Arrival first = small.arrive(seqs(1, 2, 3), 0);
        small.written(((AckLedger.Arrival.Write) first).ticket(), Optional.of(BUSY));
        small.nextDue();
        assertThat(small.overflowed()).isFalse();
        for (long s = 10; !small.overflowed() && s < 100; s += 3) {
            small.arrive(seqs(s, s + 1, s + 2), 0); // refused above the owed readings
            small.nextDue();
        }
        assertThat(small.overflowed()).isTrue();
    }

    /**
     * A model device against the ledger, over random runs: it sends new readings (strictly
     * increasing, sparse seqs), resends from its oldest unacknowledged reading, sometimes out of
     * turn; writes end in random order, durable or refused. Every Ack must vouch only for readings
     * that are durable or were refused as invalid; replies match batches one for one, in order; and
     * once writes succeed, a device that resends gets everything acknowledged.
     */
    @Test
    void acksNeverVouchForAnUnwrittenReadingOverRandomRuns() {
        for (int run = 0; run < 300; run++) {
            new Run(new Random(run)).play();
        }
    }

    private final class Run {
        private final Random random;
        private final AckLedger subject = new AckLedger(3, 8);
        private final TreeSet<Long> unacked = new TreeSet<>();
        private final Set<Long> sent = new HashSet<>();
        private final Set<Long> durable = new HashSet<>();
        private final Set<Long> refusedForGood = new HashSet<>();
        private final ArrayDeque<long[]> awaitingReply = new ArrayDeque<>();
        private final List<Object[]> writes = new ArrayList<>();
        private long nextSeq = 1;
        private final List<String> trace = new ArrayList<>();

        Run(Random random) {
            this.random = random;
        }

        void play() {
            for (int step = 0; step < 400; step++) {
                switch (random.nextInt(10)) {
                    case 0, 1, 2 -> sendNew();
                    case 3 -> resend();
                    case 4, 5, 6, 7 -> endAWrite(random.nextInt(10) < 7);
                    default -> readReplies();
                }
            }
            // Kafka is healthy again: the device resends until all it holds is acknowledged.
            for (int round = 0; round < 200 && !(unacked.isEmpty() && writes.isEmpty()); round++) {
                while (!writes.isEmpty()) {
                    endAWrite(true);
                }
                readReplies();
                if (!unacked.isEmpty() && subject.hasRoom()) {
                    resend();
                }
            }
            readReplies();
            assertThat(unacked).as("every reading the device holds is acknowledged").isEmpty();
        }

        private void sendNew() {
            if (!subject.hasRoom()) {
                return; // a device sends its readings in seq order: none is made meanwhile
            }
            int n = 1 + random.nextInt(4);
            long[] batch = new long[n];
            for (int i = 0; i < n; i++) {
                batch[i] = nextSeq;
                nextSeq += 1 + random.nextInt(3);
                unacked.add(batch[i]);
            }
            send(batch);
        }

        private void resend() {
            if (unacked.isEmpty()) {
                return;
            }
            send(
                    unacked.stream()
                            .limit(1 + random.nextInt(6))
                            .mapToLong(Long::longValue)
                            .toArray());
        }

        private void send(long[] batch) {
            if (!subject.hasRoom()) {
                return; // the connection reads no more until replies drain
            }
            LongStream.of(batch).forEach(sent::add);
            awaitingReply.addLast(batch);
            AckLedger.Arrival arr = subject.arrive(batch, 0);
            trace.add(
                    "send "
                            + java.util.Arrays.toString(batch)
                            + " "
                            + arr.getClass().getSimpleName());
            if (arr instanceof AckLedger.Arrival.Write w) {
                writes.add(new Object[] {w.ticket(), batch});
            }
        }

        private void endAWrite(boolean healthy) {
            if (writes.isEmpty()) {
                return;
            }
            Object[] w = writes.remove(random.nextInt(writes.size()));
            long[] batch = (long[]) w[1];
            int roll = healthy ? 0 : random.nextInt(2);
            Optional<Rejection> outcome =
                    switch (roll) {
                        case 0 -> DURABLE;
                        default -> Optional.of(random.nextBoolean() ? BUSY : BAD);
                    };
            if (outcome.isEmpty()) {
                LongStream.of(batch).forEach(durable::add);
            }
            trace.add(
                    "written "
                            + java.util.Arrays.toString(batch)
                            + " "
                            + outcome.map(x -> x.code().name()).orElse("ok"));
            subject.written((AckLedger.Ticket) w[0], outcome);
        }

        private void readReplies() {
            for (Optional<AckLedger.Reply> r = subject.nextDue();
                    r.isPresent();
                    r = subject.nextDue()) {
                long[] batch = awaitingReply.pollFirst();
                assertThat(batch).as("a reply without a batch").isNotNull();
                AckLedger.Reply reply = r.get();
                trace.add(
                        "reply "
                                + reply.seq()
                                + " "
                                + reply.rejection().map(x -> x.code().name()).orElse("ack"));
                if (reply.rejection().isEmpty()) {
                    assertThat(reply.seq()).isEqualTo(batch[batch.length - 1]);
                    long n = reply.seq();
                    for (long s : sent) {
                        if (s <= n) {
                            assertThat(durable.contains(s) || refusedForGood.contains(s))
                                    .as("Ack %d vouches for seq %d; trace %s", n, s, trace)
                                    .isTrue();
                        }
                    }
                    unacked.headSet(n, true).clear();
                } else {
                    assertThat(reply.seq()).isEqualTo(batch[0]);
                    if (!reply.rejection().get().retryable()) {
                        LongStream.of(batch).forEach(refusedForGood::add);
                        LongStream.of(batch).forEach(unacked::remove);
                    }
                }
            }
        }
    }

    private AckLedger.Ticket write(long... seqs) {
        AckLedger.Arrival arrival = ledger.arrive(seqs, 0);
        assertThat(arrival).isInstanceOf(AckLedger.Arrival.Write.class);
        return ((AckLedger.Arrival.Write) arrival).ticket();
    }

    private static long[] seqs(long... seqs) {
        return seqs;
    }

    private List<String> drain() {
        List<String> out = new ArrayList<>();
        for (Optional<AckLedger.Reply> r = ledger.nextDue(); r.isPresent(); r = ledger.nextDue()) {
            AckLedger.Reply reply = r.get();
            out.add(
                    reply.rejection()
                            .map(x -> x.code().name() + " " + reply.seq())
                            .orElse("ack " + reply.seq()));
        }
        return out;
    }
}

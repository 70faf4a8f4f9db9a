package io.sonde.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.sonde.client.device.Frame;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class UnackedBatchesTest {
    private static final long NOW = 1_000_000_000L;

    private final SimulationStats stats = new SimulationStats();
    private final UnackedBatches queue = new UnackedBatches(3, stats);

    /** Batch n holds seqs 10n .. 10n+9. */
    private static PendingBatch batch(int n) {
        return new PendingBatch(10L * n, 10L * n + 9, 10, Frame.binary(new byte[8]), NOW);
    }

    private Optional<Long> next(long now) {
        return queue.nextToSend(now).map(b -> b.firstSeq);
    }

    private SimulationReport report() {
        return stats.report(1, Duration.ofSeconds(1));
    }

    @Test
    void sendsInSeqOrderEachBatchOncePerConnection() {
        queue.offer(batch(1));
        queue.offer(batch(2));

        assertThat(next(NOW)).contains(10L);
        assertThat(next(NOW)).contains(20L);
        assertThat(next(NOW)).isEmpty();
        assertThat(report().readingsSent()).isEqualTo(20);
    }

    @Test
    void ackIsCumulative() {
        queue.offer(batch(1));
        queue.offer(batch(2));
        queue.offer(batch(3));
        next(NOW);
        next(NOW);

        assertThat(queue.ack(25, NOW)).isEqualTo(1); // batch 2 ends at 29: not covered
        assertThat(queue.ack(29, NOW)).isEqualTo(1);
        assertThat(queue.size()).isEqualTo(1);
        assertThat(report().readingsAcked()).isEqualTo(20);
        assertThat(stats.unackedBatches()).isEqualTo(1);
    }

    @Test
    void fullQueueDropsNewBatchesAndCountsThem() {
        for (int n = 1; n <= 5; n++) {
            queue.offer(batch(n));
        }

        assertThat(queue.size()).isEqualTo(3);
        assertThat(report().readingsDropped()).isEqualTo(20);
    }

    @Test
    void retryPausesSendingThenResendsTheSameSeqsFirst() {
        queue.offer(batch(1));
        queue.offer(batch(2));
        next(NOW);
        next(NOW);
        queue.offer(batch(3));

        queue.retry(10, NOW + 400);

        assertThat(next(NOW + 399)).isEmpty();
        assertThat(next(NOW + 400)).contains(10L);
        assertThat(next(NOW + 400)).contains(30L);
        SimulationReport report = report();
        assertThat(report.batchesResent()).isEqualTo(1);
        assertThat(report.readingsSent()).isEqualTo(30);
    }

    @Test
    void rejectedBatchIsDroppedForGood() {
        queue.offer(batch(1));
        queue.offer(batch(2));

        assertThat(queue.reject(10)).isTrue();
        assertThat(queue.reject(99)).isFalse();

        assertThat(next(NOW)).contains(20L);
        assertThat(report().readingsRejected()).isEqualTo(10);
        assertThat(stats.unackedBatches()).isEqualTo(1);
    }

    @Test
    void aNewConnectionResendsEverythingUnacked() {
        queue.offer(batch(1));
        queue.offer(batch(2));
        next(NOW);
        next(NOW);
        queue.ack(19, NOW);

        queue.resendAll();

        assertThat(next(NOW)).contains(20L);
        assertThat(next(NOW)).isEmpty();
        assertThat(report().batchesResent()).isEqualTo(1);
    }
}

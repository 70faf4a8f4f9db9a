package io.sonde.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.BufferExhaustedException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TransactionAbortedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * Writes device batches to Kafka in transactions, so that a batch is in the log whole or not at all
 * for the {@code read_committed} readers (the stream processor, the push gateway): a failure
 * part-way aborts every record of it, and the device, told to resend, never meets half a batch.
 *
 * <p>One transaction carries every batch that arrived while the previous one committed, and those
 * that arrive within {@code linger} of its first (at most {@link #MAX_BATCHES_PER_TRANSACTION}), so
 * the cost of a commit is shared under load; with no linger (the default) an idle gateway commits a
 * batch as soon as it comes. {@link #flush} ends the linger of the transaction being gathered. The
 * price: when a transaction fails, every batch in it is refused, also those of other devices (each
 * hears {@code UNAVAILABLE} and resends).
 *
 * <p>Threads: {@link #submit} from any thread, never blocking; one platform thread owns the
 * producer, begins, sends, commits, and completes the futures (continuations must not block). What
 * waits for that thread is bounded by bytes ({@code maxQueuedBytes}); beyond it a batch is refused
 * at once with {@link BufferExhaustedException}.
 */
final class TransactionalSender implements AutoCloseable {
    static final int MAX_BATCHES_PER_TRANSACTION = 5_000;
    private static final System.Logger LOG = System.getLogger(TransactionalSender.class.getName());
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private final Supplier<Producer<byte[], byte[]>> producers;
    private final long maxQueuedBytes;
    private final long lingerNanos;
    private final Timer commitLatency;
    private final DistributionSummary batchesPerTransaction;
    private final Counter committed;
    private final Counter aborted;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final Thread thread;
    private volatile boolean closing;
    private Optional<Producer<byte[], byte[]>> producer = Optional.empty(); // the thread's own

    // One batch's records; its own first send error, if any, is what its device hears.
    private record Pending(
            List<ProducerRecord<byte[], byte[]>> records,
            long bytes,
            CompletableFuture<Void> done,
            AtomicReference<Exception> ownError) {
        Pending(List<ProducerRecord<byte[], byte[]>> records, long bytes) {
            this(records, bytes, new CompletableFuture<>(), new AtomicReference<>());
        }

        void fail(RuntimeException transactionError) {
            Exception own = ownError.get();
            // A record that failed for its own sake (too large for the topic) names the batch's
            // fault; the others in an aborted transaction failed only with it.
            done.completeExceptionally(
                    own == null || own instanceof TransactionAbortedException
                            ? transactionError
                            : own);
        }
    }

    // Queued by flush(): wakes the thread from its linger; writes nothing.
    private static final Pending FLUSH = new Pending(List.of(), 0);

    /**
     * @param producers makes a transactional producer (one at a time: after a fatal error the old
     *     one is closed and a new one with the same {@code transactional.id} fences it)
     * @param maxQueuedBytes record bytes that may wait for the sender thread
     * @param linger how long a transaction gathers batches after its first
     */
    TransactionalSender(
            Supplier<Producer<byte[], byte[]>> producers,
            long maxQueuedBytes,
            Duration linger,
            MeterRegistry meters) {
        this.producers = producers;
        this.commitLatency =
                Timer.builder("sonde.ingest.transaction.latency")
                        .description("From a transaction's begin to its commit (or abort)")
                        .publishPercentileHistogram()
                        .register(meters);
        this.batchesPerTransaction =
                DistributionSummary.builder("sonde.ingest.transaction.batches")
                        .description("Device batches in one Kafka transaction")
                        .register(meters);
        this.committed = transactions(meters, "committed");
        this.aborted = transactions(meters, "aborted");
        Gauge.builder("sonde.ingest.producer.queued.bytes", queuedBytes, AtomicLong::get)
                .description("Record bytes waiting for the producer's thread")
                .strongReference(true)
                .register(meters);
        this.maxQueuedBytes = maxQueuedBytes;
        this.lingerNanos = linger.toNanos();
        this.thread =
                Thread.ofPlatform().name("sonde-ingest-transactions").daemon().start(this::run);
    }

    /**
     * Queues the records of one batch for the next transaction.
     *
     * @return completes once the transaction holding them committed, or exceptionally when it
     *     aborted, the queue was full, or the sender is closed
     */
    CompletableFuture<Void> submit(List<ProducerRecord<byte[], byte[]>> records, long bytes) {
        if (closing) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            done.completeExceptionally(new IllegalStateException("the producer is closed"));
            return done;
        }
        if (queuedBytes.addAndGet(bytes) > maxQueuedBytes) {
            queuedBytes.addAndGet(-bytes);
            CompletableFuture<Void> done = new CompletableFuture<>();
            done.completeExceptionally(
                    new BufferExhaustedException(
                            "more than " + maxQueuedBytes + " bytes wait for Kafka"));
            return done;
        }
        Pending pending = new Pending(records, bytes);
        queue.add(pending);
        return pending.done;
    }

    /** Commits the transaction being gathered now, without waiting out its linger. */
    void flush() {
        queue.add(FLUSH);
    }

    /** Writes what is queued, then closes the producer. */
    @Override
    public void close() {
        closing = true;
        try {
            thread.join(CLOSE_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread.interrupt();
    }

    private void run() {
        List<Pending> group = new ArrayList<>();
        try {
            producer(); // ready before the first batch, when Kafka is
        } catch (KafkaException e) {
            LOG.log(Level.DEBUG, "Kafka not reachable yet; the first batch tries again", e);
        }
        try {
            while (!(closing && queue.isEmpty())) {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null || first == FLUSH) {
                    continue;
                }
                group.add(first);
                gather(group);
                send(group);
                group.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            List<Pending> left = new ArrayList<>(group);
            queue.drainTo(left);
            left.forEach(p -> p.done.completeExceptionally(new IllegalStateException("closed")));
            producer.ifPresent(p -> p.close(CLOSE_TIMEOUT));
        }
    }

    // Adds what is queued, and what comes within the linger, up to the group's bound.
    private void gather(List<Pending> group) throws InterruptedException {
        long deadline = System.nanoTime() + lingerNanos;
        while (group.size() < MAX_BATCHES_PER_TRANSACTION) {
            long left = deadline - System.nanoTime();
            Pending next =
                    left > 0 && !closing ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
            if (next == null || next == FLUSH) {
                return;
            }
            group.add(next);
        }
    }

    private void send(List<Pending> group) {
        long start = System.nanoTime();
        batchesPerTransaction.record(group.size());
        try {
            Producer<byte[], byte[]> p = producer();
            p.beginTransaction();
            for (Pending pending : group) {
                for (ProducerRecord<byte[], byte[]> r : pending.records) {
                    // A failed send also fails the commit; the callback names whose it was.
                    p.send(
                            r,
                            (meta, error) -> {
                                if (error != null) {
                                    pending.ownError.compareAndSet(null, error);
                                }
                            });
                }
            }
            p.commitTransaction();
            committed.increment();
            group.forEach(pending -> pending.done.complete(null));
        } catch (KafkaException | IllegalStateException e) {
            aborted.increment();
            group.forEach(pending -> pending.fail(e));
            recover(e);
        } finally {
            commitLatency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            queuedBytes.addAndGet(-group.stream().mapToLong(Pending::bytes).sum());
        }
    }

    private Producer<byte[], byte[]> producer() {
        if (producer.isEmpty()) {
            Producer<byte[], byte[]> p = producers.get();
            try {
                p.initTransactions(); // fences an earlier instance with the same id
            } catch (KafkaException e) {
                p.close(Duration.ZERO);
                throw e;
            }
            producer = Optional.of(p);
        }
        return producer.get();
    }

    // After a failed transaction: abort it, or, when the producer cannot go on, replace it.
    private void recover(RuntimeException e) {
        if (producer.isEmpty()) {
            return;
        }
        if (!fatal(e)) {
            try {
                producer.get().abortTransaction();
                return;
            } catch (KafkaException | IllegalStateException again) {
                LOG.log(Level.DEBUG, "abort failed; replacing the producer", again);
            }
        }
        LOG.log(Level.WARNING, "replacing the ingest producer after " + e);
        producer.get().close(Duration.ZERO);
        producer = Optional.empty();
    }

    private static Counter transactions(MeterRegistry meters, String outcome) {
        return Counter.builder("sonde.ingest.transactions")
                .description("Kafka transactions of the ingest producer by outcome")
                .tag("outcome", outcome)
                .register(meters);
    }

    private static boolean fatal(RuntimeException e) {
        return e instanceof ProducerFencedException
                || e instanceof OutOfOrderSequenceException
                || e instanceof AuthorizationException
                || e instanceof UnsupportedVersionException
                || e instanceof IllegalStateException;
    }
}

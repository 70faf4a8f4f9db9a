package io.sonde.ingest.kafka;

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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.BufferExhaustedException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TransactionAbortedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * Writes device batches to Kafka in transactions, so that a batch is in the log whole or not at all
 * for the {@code read_committed} readers (the stream processor, the push gateway): a failure
 * part-way aborts every record of it, and the device, told to resend, never meets half a batch.
 *
 * <p>One transaction is open at a time. Callers append their batch's records to it on their own
 * threads (serializing and compressing in parallel; one thread doing it all was the gateway's
 * ceiling). One committer thread commits it once it has run for {@code linger} since its first
 * batch, or at once on {@link #flush}, then opens the next. While it commits, callers wait at the
 * gate: a Kafka producer takes no sends into a committing transaction. So the cost of a commit is
 * shared by every batch of the transaction; the price: when a transaction fails, every batch in it
 * is refused, also those of other devices (each hears {@code UNAVAILABLE} and resends).
 *
 * <p>Threads: {@link #submit} from any thread; it blocks while a commit runs, for at most 5 s while
 * no transaction is open (at start, after a failure; then the batch is refused), and for at most
 * the producer's {@code max.block.ms} when its buffer is full (back-pressure onto the connection).
 * Futures complete on the committer thread (continuations must not block). Bytes in open and
 * committing transactions are bounded ({@code maxQueuedBytes}); beyond, a batch is refused at once
 * with {@link BufferExhaustedException}.
 */
public final class TransactionalSender implements AutoCloseable {
    static final int MAX_BATCHES_PER_TRANSACTION = 5_000;
    private static final System.Logger LOG = System.getLogger(TransactionalSender.class.getName());
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration RETRY_OPEN = Duration.ofSeconds(1);
    // How long a batch waits for a transaction to open (at start, after a failure) before it is
    // refused: the producer's max.block.ms by default.
    private static final Duration OPEN_WAIT = Duration.ofSeconds(5);

    private final Supplier<Producer<byte[], byte[]>> producers;
    private final long maxQueuedBytes;
    private final long lingerNanos;
    private final Timer commitLatency;
    private final DistributionSummary batchesPerTransaction;
    private final Counter committed;
    private final Counter aborted;
    private final AtomicLong queuedBytes = new AtomicLong();
    // Read: appending to the open transaction; write: committing it, opening the next.
    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
    private final ReentrantLock groupLock = new ReentrantLock();
    private final Condition work = groupLock.newCondition();
    private final Condition opened = groupLock.newCondition();
    private final Thread thread;
    private List<Pending> group = new ArrayList<>(); // guarded by groupLock
    private long groupStartedNanos; // guarded by groupLock
    private boolean flushRequested; // guarded by groupLock
    private volatile boolean closing;
    // Changed only under the gate's write lock; read under its read lock.
    private Optional<Producer<byte[], byte[]>> producer = Optional.empty();
    private volatile boolean open; // a transaction is open for sends
    private volatile boolean poisoned; // a send threw part-way: the transaction must abort

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

    /**
     * @param producers makes a transactional producer (one at a time: after a fatal error the old
     *     one is closed and a new one with the same {@code transactional.id} fences it)
     * @param maxQueuedBytes record bytes that may be in open or committing transactions
     * @param linger how long a transaction stays open after its first batch
     */
    TransactionalSender(
            Supplier<Producer<byte[], byte[]>> producers,
            long maxQueuedBytes,
            Duration linger,
            MeterRegistry meters) {
        this.producers = producers;
        this.maxQueuedBytes = maxQueuedBytes;
        this.lingerNanos = linger.toNanos();
        this.commitLatency =
                Timer.builder("sonde.ingest.transaction.latency")
                        .description("From a transaction's first batch to its commit (or abort)")
                        .publishPercentileHistogram()
                        .register(meters);
        this.batchesPerTransaction =
                DistributionSummary.builder("sonde.ingest.transaction.batches")
                        .description("Device batches in one Kafka transaction")
                        .register(meters);
        this.committed = transactions(meters, "committed");
        this.aborted = transactions(meters, "aborted");
        Gauge.builder("sonde.ingest.producer.queued.bytes", queuedBytes, AtomicLong::get)
                .description("Record bytes in open or committing transactions")
                .strongReference(true)
                .register(meters);
        this.thread =
                Thread.ofPlatform().name("sonde-ingest-transactions").daemon().start(this::run);
    }

    /**
     * Appends the records of one batch to the open transaction.
     *
     * @return completes once the transaction holding them committed, or exceptionally when it
     *     aborted, no transaction could be opened (Kafka unreachable), the bound of bytes was
     *     reached, or the sender is closed
     */
    CompletableFuture<Void> submit(List<ProducerRecord<byte[], byte[]>> records, long bytes) {
        if (closing) {
            return CompletableFuture.failedFuture(
                    new IllegalStateException("the producer is closed"));
        }
        if (queuedBytes.addAndGet(bytes) > maxQueuedBytes) {
            queuedBytes.addAndGet(-bytes);
            return CompletableFuture.failedFuture(
                    new BufferExhaustedException(
                            "more than " + maxQueuedBytes + " bytes wait for Kafka"));
        }
        Pending pending = new Pending(records, bytes);
        awaitOpen();
        gate.readLock().lock();
        try {
            if (!open) {
                queuedBytes.addAndGet(-bytes);
                return CompletableFuture.failedFuture(
                        new TimeoutException("no Kafka transaction could be opened"));
            }
            append(producer.orElseThrow(), pending);
        } finally {
            gate.readLock().unlock();
        }
        return pending.done;
    }

    private void awaitOpen() {
        if (open) {
            return;
        }
        groupLock.lock();
        try {
            long left = OPEN_WAIT.toNanos();
            while (!open && !closing && left > 0) {
                left = opened.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            groupLock.unlock();
        }
    }

    /** Commits the open transaction now, without waiting out its linger. */
    void flush() {
        groupLock.lock();
        try {
            flushRequested = true;
            work.signalAll();
        } finally {
            groupLock.unlock();
        }
    }

    /** Commits what is open, then closes the producer. */
    @Override
    public void close() {
        closing = true;
        flush();
        try {
            thread.join(CLOSE_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread.interrupt();
    }

    // Under the read lock: the records go into the open transaction, the batch into its group.
    private void append(Producer<byte[], byte[]> p, Pending pending) {
        try {
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
        } catch (KafkaException | IllegalStateException e) {
            pending.ownError.compareAndSet(null, e);
            poisoned = true; // part of the batch may be in: only an abort keeps it whole
        }
        groupLock.lock();
        try {
            if (group.isEmpty()) {
                groupStartedNanos = System.nanoTime();
                work.signalAll();
            }
            group.add(pending);
            if (group.size() >= MAX_BATCHES_PER_TRANSACTION) {
                flushRequested = true;
                work.signalAll();
            }
        } finally {
            groupLock.unlock();
        }
    }

    private void run() {
        try {
            while (!closing || hasGroup()) {
                if (!isOpen()) {
                    openTransaction();
                    continue;
                }
                if (awaitCommitTime()) {
                    commit();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            gate.writeLock().lock();
            try {
                failAll(takeGroup(), new IllegalStateException("the producer is closed"));
                producer.ifPresent(this::closeProducer);
                open = false;
            } finally {
                gate.writeLock().unlock();
            }
        }
    }

    // Waits until the open transaction has a batch and its linger passed (or a flush, a close).
    private boolean awaitCommitTime() throws InterruptedException {
        groupLock.lock();
        try {
            while (group.isEmpty()) {
                if (closing) {
                    return false;
                }
                work.await(100, TimeUnit.MILLISECONDS);
            }
            long left;
            while (!flushRequested
                    && !closing
                    && (left = groupStartedNanos + lingerNanos - System.nanoTime()) > 0) {
                work.awaitNanos(left);
            }
            flushRequested = false;
            return true;
        } finally {
            groupLock.unlock();
        }
    }

    private void commit() {
        gate.writeLock().lock();
        try {
            List<Pending> batches = takeGroup();
            long started = System.nanoTime();
            Producer<byte[], byte[]> p = producer.orElseThrow();
            try {
                if (poisoned) {
                    throw new KafkaException("a send failed part-way through a batch");
                }
                p.commitTransaction();
                committed.increment();
                batches.forEach(b -> b.done.complete(null));
            } catch (KafkaException | IllegalStateException e) {
                aborted.increment();
                failAll(batches, e);
                recover(e);
            } finally {
                poisoned = false;
                batchesPerTransaction.record(batches.size());
                commitLatency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                queuedBytes.addAndGet(-batches.stream().mapToLong(Pending::bytes).sum());
            }
            begin();
        } finally {
            gate.writeLock().unlock();
        }
    }

    // Makes a producer when there is none (outside the gate: it may wait for Kafka), then opens a
    // transaction; while none is open, batches are refused at once.
    private void openTransaction() throws InterruptedException {
        Optional<Producer<byte[], byte[]>> fresh = Optional.empty();
        if (producer.isEmpty()) {
            Producer<byte[], byte[]> p = producers.get();
            try {
                p.initTransactions(); // fences an earlier instance with the same id
                fresh = Optional.of(p);
            } catch (KafkaException e) {
                p.close(Duration.ZERO);
                LOG.log(Level.DEBUG, "no Kafka transaction yet: " + e);
                TimeUnit.MILLISECONDS.sleep(RETRY_OPEN.toMillis()); // bounded retry pause
                return;
            }
        }
        gate.writeLock().lock();
        try {
            if (fresh.isPresent()) {
                producer = fresh;
            }
            begin();
        } finally {
            gate.writeLock().unlock();
        }
    }

    // Under the write lock.
    private void begin() {
        open = false;
        if (producer.isEmpty() || closing) {
            return;
        }
        try {
            producer.get().beginTransaction();
            open = true;
        } catch (KafkaException | IllegalStateException e) {
            recover(e);
            return;
        }
        groupLock.lock();
        try {
            opened.signalAll();
        } finally {
            groupLock.unlock();
        }
    }

    // Ends the open transaction, which holds nothing now (a producer closing with one open
    // waits out its whole timeout), then closes.
    private void closeProducer(Producer<byte[], byte[]> p) {
        if (open) {
            try {
                p.abortTransaction();
            } catch (KafkaException | IllegalStateException e) {
                LOG.log(Level.DEBUG, "abort of the empty transaction failed", e);
            }
        }
        p.close(CLOSE_TIMEOUT);
    }

    private boolean isOpen() {
        gate.readLock().lock();
        try {
            return open;
        } finally {
            gate.readLock().unlock();
        }
    }

    private boolean hasGroup() {
        groupLock.lock();
        try {
            return !group.isEmpty();
        } finally {
            groupLock.unlock();
        }
    }

    private List<Pending> takeGroup() {
        groupLock.lock();
        try {
            List<Pending> taken = group;
            group = new ArrayList<>();
            return taken;
        } finally {
            groupLock.unlock();
        }
    }

    private void failAll(List<Pending> batches, RuntimeException e) {
        batches.forEach(b -> b.fail(e));
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

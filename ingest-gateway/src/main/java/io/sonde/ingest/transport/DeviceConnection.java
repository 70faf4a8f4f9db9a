package io.sonde.ingest.transport;

import io.helidon.common.buffers.BufferData;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.websocket.WsSession;
import io.sonde.ingest.protocol.AckLedger;
import io.sonde.ingest.protocol.IngestMetrics;
import io.sonde.ingest.protocol.Rejection;
import io.sonde.proto.v1.Downlink;
import io.sonde.proto.v1.TelemetryBatch;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One authenticated device WebSocket: its {@link AckLedger}, the socket writes of its replies, and
 * how it ends.
 *
 * <p>Threads: {@link #arrive} runs on the connection's reader thread; {@link #written} on any
 * thread. The ledger is guarded by a lock that is never held during socket I/O. Replies are written
 * by one thread at a time, whichever got there first, in ledger order; a write (reply, ping or
 * close) that blocks longer than the write timeout is aborted by {@link ConnectionRegistry}'s
 * watchdog ({@link #abortIfStuck}), which closes the socket. Only {@code java.util.concurrent}
 * locks: a blocked write never pins a carrier thread.
 */
public final class DeviceConnection {
    private static final System.Logger LOG = System.getLogger(DeviceConnection.class.getName());
    private static final int MAX_CLOSE_REASON_BYTES = 123;
    private static final int MAX_WRITERS = 3;
    // Longer than the producer's delivery timeout: a wait for room runs out only when the
    // replies owed are truly stuck.
    private static final Duration REPLY_WAIT = Duration.ofSeconds(30);

    private final WsSession session;
    private final String deviceId;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition room = lock.newCondition();
    private final AckLedger ledger; // guarded by lock
    private final IngestMetrics metrics;
    private final AtomicInteger drainRequests = new AtomicInteger();
    // Replies taken from the ledger and not yet written: still owed, for the shutdown's count.
    private final AtomicInteger unsent = new AtomicInteger();
    private final AtomicBoolean closeSent = new AtomicBoolean();
    // The threads in a socket write, or waiting for the server's send lock to make one: the
    // replies' writer, a ping, a close. Helidon writes one at a time, so the one in the socket
    // may not be the one that started last: the watchdog interrupts them all.
    private final ReentrantLock writeGuard = new ReentrantLock();
    private final Thread[] writers = new Thread[MAX_WRITERS]; // guarded by writeGuard
    private final long[] writingSince = new long[MAX_WRITERS]; // guarded by writeGuard
    private volatile boolean json;
    private volatile boolean open = true;
    private volatile boolean released;
    private volatile long closeSentNanos;
    private volatile Instant tokenExpiry;
    private volatile long lastHeardNanos = System.nanoTime();
    private volatile InetAddress countedAddress; // set once, when the registry counts it

    DeviceConnection(
            WsSession session,
            String deviceId,
            Instant tokenExpiry,
            int maxInflight,
            int maxReadingsPerBatch,
            IngestMetrics metrics) {
        this.session = session;
        this.deviceId = deviceId;
        this.tokenExpiry = tokenExpiry;
        this.ledger = new AckLedger(maxInflight, maxReadingsPerBatch);
        this.metrics = metrics;
    }

    String deviceId() {
        return deviceId;
    }

    /** The registry counted this connection against {@code address}'s cap. */
    void countedAt(InetAddress address) {
        this.countedAddress = address;
    }

    /** The address this connection is counted at, if the registry took it. */
    Optional<InetAddress> countedAddress() {
        return Optional.ofNullable(countedAddress);
    }

    Instant tokenExpiry() {
        return tokenExpiry;
    }

    void tokenRefreshed(Instant expiry) {
        this.tokenExpiry = expiry;
    }

    /** The device was heard; its last message was JSON or protobuf, and replies follow it. */
    void heard(boolean json) {
        this.json = json;
        heard();
    }

    void heard() {
        lastHeardNanos = System.nanoTime();
    }

    long silentNanos() {
        return System.nanoTime() - lastHeardNanos;
    }

    /** Whether the gateway still takes messages from this device (it has not closed it). */
    boolean isOpen() {
        return open;
    }

    /**
     * Takes a batch into the ledger, first waiting while the replies owed are at their bound (the
     * device is not read meanwhile: back-pressure); answers queued by the ledger go out at once.
     *
     * @return what the ledger made of it; {@link AckLedger.Arrival.Refused} also when the
     *     connection closed meanwhile, or the wait for room ran out (then it is closed with 1013)
     */
    AckLedger.Arrival arrive(TelemetryBatch batch) throws InterruptedException {
        long[] seqs = new long[batch.getReadingsCount()];
        for (int i = 0; i < seqs.length; i++) {
            seqs[i] = batch.getReadings(i).getSeq();
        }
        Optional<AckLedger.Arrival> arrival = Optional.empty();
        lock.lock();
        try {
            if (awaitRoom() && open) {
                arrival = Optional.of(ledger.arrive(seqs, System.nanoTime()));
            }
        } finally {
            lock.unlock();
        }
        if (arrival.isEmpty()) {
            if (open) {
                close(IngestEndpoint.TRY_AGAIN_LATER, "replies owed to this device are stuck");
            }
            return new AckLedger.Arrival.Refused(
                    Rejection.unavailable("connection closed", REPLY_WAIT.toMillis()));
        }
        if (!(arrival.get() instanceof AckLedger.Arrival.Write)) {
            drain();
        }
        return arrival.get();
    }

    /** Queues an error about a message that is no batch, in reply order. */
    void notice(Rejection rejection) {
        lock.lock();
        try {
            ledger.notice(rejection, System.nanoTime());
        } finally {
            lock.unlock();
        }
        drain();
    }

    /** Records how a ticket's write ended (empty: durable) and sends every reply now due. */
    void written(AckLedger.Ticket ticket, Optional<Rejection> outcome) {
        lock.lock();
        try {
            ledger.written(ticket, outcome);
        } finally {
            lock.unlock();
        }
        drain();
    }

    /** Replies owed: batches taken and not yet answered. */
    int owed() {
        lock.lock();
        try {
            return ledger.owedReplies() + unsent.get();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Pings the device.
     *
     * @return false when the socket is broken: the peer vanished without a close frame
     */
    boolean ping() {
        return guardedWrite(() -> session.ping(BufferData.empty()));
    }

    /**
     * Sends a close frame with a code and reason; replies still owed are dropped. The socket stays
     * open for the device's answering close frame, so that the code reaches it ({@link
     * ConnectionRegistry} ends the connection if none comes within its linger time). Only the first
     * close of a connection sends a frame.
     */
    void close(int code, String reason) {
        open = false;
        forget();
        if (closeSent.compareAndSet(false, true)) {
            closeSentNanos = System.nanoTime();
            guardedWrite(() -> session.close(code, closeReason(reason)));
        }
    }

    /** The peer has gone (close frame or broken socket): forget what was owed to it. */
    void closed() {
        open = false;
        released = true;
        forget();
    }

    /**
     * Whether the gateway sent its close frame more than {@code lingerNanos} before {@code now} and
     * the device has still not closed its side.
     */
    boolean lingeredPast(long now, long lingerNanos) {
        return closeSent.get() && !released && now - closeSentNanos > lingerNanos;
    }

    /** Ends the socket at once: after a close linger ran out, or a write stayed blocked. */
    void abort() {
        open = false;
        forget();
        if (!released && session instanceof ServerConnection connection) {
            connection.close(true); // interrupts the reader thread, which closes the socket
        }
    }

    /**
     * Aborts the write in progress if it started more than {@code timeoutNanos} before {@code now}:
     * interrupting a virtual thread blocked in socket I/O closes that socket.
     *
     * @return whether a write was aborted
     */
    boolean abortIfStuck(long now, long timeoutNanos) {
        writeGuard.lock();
        try {
            boolean stuck = false;
            for (int i = 0; i < MAX_WRITERS; i++) {
                stuck |= writers[i] != null && now - writingSince[i] > timeoutNanos;
            }
            if (!stuck) {
                return false;
            }
            open = false;
            for (int i = 0; i < MAX_WRITERS; i++) {
                if (writers[i] != null) {
                    writers[i].interrupt(); // the one in the socket closes it; the rest then fail
                    writers[i] = null;
                }
            }
        } finally {
            writeGuard.unlock();
        }
        forget();
        return true;
    }

    // A close frame's reason is at most 123 bytes of UTF-8 (RFC 6455 §5.5).
    static String closeReason(String reason) {
        byte[] utf8 = reason.getBytes(StandardCharsets.UTF_8);
        if (utf8.length <= MAX_CLOSE_REASON_BYTES) {
            return reason;
        }
        String cut = new String(utf8, 0, MAX_CLOSE_REASON_BYTES - 3, StandardCharsets.UTF_8);
        // A cut through a multi-byte character decodes to U+FFFD; drop it.
        return cut.replace("\uFFFD", "") + "...";
    }

    // Sends due replies in order. Whoever raises the count from 0 drains until no request is left,
    // so one thread writes at a time and no reply due is left behind by a racing caller.
    private void drain() {
        if (drainRequests.getAndIncrement() != 0) {
            return;
        }
        int requests = 1;
        do {
            for (Optional<AckLedger.Reply> r = nextDue(); r.isPresent(); r = nextDue()) {
                try {
                    send(r.get());
                } finally {
                    unsent.decrementAndGet();
                }
            }
            requests = drainRequests.addAndGet(-requests);
        } while (requests != 0);
    }

    private Optional<AckLedger.Reply> nextDue() {
        boolean overflowed;
        lock.lock();
        try {
            overflowed = ledger.overflowed();
            if (!overflowed) {
                Optional<AckLedger.Reply> reply = ledger.nextDue();
                if (reply.isPresent()) {
                    unsent.incrementAndGet();
                    room.signalAll();
                }
                return reply;
            }
        } finally {
            lock.unlock();
        }
        close(
                IngestEndpoint.POLICY_VIOLATION,
                "too many refused readings not resent: resend from the first refused seq");
        return Optional.empty();
    }

    private void send(AckLedger.Reply reply) {
        if (!open) {
            return;
        }
        Downlink downlink =
                reply.rejection()
                        .map(r -> Downlinks.error(r, reply.seq()))
                        .orElseGet(() -> Downlinks.ack(reply.seq()));
        boolean asJson = json;
        boolean sent =
                guardedWrite(() -> {
                    if (asJson) {
                        session.send(Downlinks.toJson(downlink), true);
                    } else {
                        session.send(BufferData.create(downlink.toByteArray()), true);
                    }
                });
        if (sent) {
            metrics.answered(System.nanoTime() - reply.arrivedNanos());
        }
    }

    // Runs one socket write under the watchdog's eye; false when the socket broke under it, or
    // when writes are already stuck in every slot (the watchdog is about to end the connection).
    private boolean guardedWrite(Runnable write) {
        int slot = enterWrite();
        if (slot < 0) {
            return false;
        }
        try {
            write.run();
            return true;
        } catch (RuntimeException e) {
            // The socket broke under us; the reader thread will see the close.
            LOG.log(Level.DEBUG, "write to device failed", e);
            open = false;
            forget();
            return false;
        } finally {
            writeGuard.lock();
            try {
                if (writers[slot] == Thread.currentThread()) {
                    writers[slot] = null;
                }
            } finally {
                writeGuard.unlock();
            }
        }
    }

    private int enterWrite() {
        writeGuard.lock();
        try {
            for (int i = 0; i < MAX_WRITERS; i++) {
                if (writers[i] == null) {
                    writers[i] = Thread.currentThread();
                    writingSince[i] = System.nanoTime();
                    return i;
                }
            }
            return -1;
        } finally {
            writeGuard.unlock();
        }
    }

    private boolean awaitRoom() throws InterruptedException {
        long left = REPLY_WAIT.toNanos();
        while (!ledger.hasRoom() && open) {
            if (left <= 0) {
                return false;
            }
            left = room.awaitNanos(left);
        }
        return true;
    }

    private void forget() {
        lock.lock();
        try {
            ledger.clear();
            room.signalAll();
        } finally {
            lock.unlock();
        }
    }
}

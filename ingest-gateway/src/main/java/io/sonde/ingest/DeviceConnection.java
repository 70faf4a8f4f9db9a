package io.sonde.ingest;

import io.helidon.common.buffers.BufferData;
import io.helidon.websocket.WsSession;
import io.sonde.proto.v1.Downlink;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Optional;

/**
 * One authenticated device WebSocket. Keeps the replies it owes in arrival order: a batch's Ack is
 * sent only after every earlier batch of this connection was answered, so {@code Ack{seq}} never
 * claims more than is durable.
 *
 * <p>Threads: {@link #expect} runs on the connection's reader thread; {@link #complete} may run on
 * any thread (Kafka's I/O thread hands it to a virtual thread first). Replies are written under
 * this object's lock, in order.
 */
final class DeviceConnection {
    private static final System.Logger LOG = System.getLogger(DeviceConnection.class.getName());

    private static final int MAX_CLOSE_REASON_BYTES = 123;
    private static final long NO_HOLE = -1;
    private static final long HOLE_RETRY_AFTER_MS = 100;

    private final WsSession session;
    private final String deviceId;
    private final ArrayDeque<Reply> owed = new ArrayDeque<>();
    private volatile Instant tokenExpiry;
    private volatile long lastHeardNanos = System.nanoTime();
    private long lastAck = -1;
    private long hole = NO_HOLE;
    private boolean open = true;

    DeviceConnection(WsSession session, String deviceId, Instant tokenExpiry) {
        this.session = session;
        this.deviceId = deviceId;
        this.tokenExpiry = tokenExpiry;
    }

    String deviceId() {
        return deviceId;
    }

    Instant tokenExpiry() {
        return tokenExpiry;
    }

    void tokenRefreshed(Instant expiry) {
        this.tokenExpiry = expiry;
    }

    void heard() {
        lastHeardNanos = System.nanoTime();
    }

    long silentNanos() {
        return System.nanoTime() - lastHeardNanos;
    }

    /** Highest seq acknowledged on this connection, -1 before the first Ack. */
    synchronized long lastAck() {
        return lastAck;
    }

    synchronized int owedCount() {
        return owed.size();
    }

    /**
     * Whether a new batch starting at {@code firstSeq} must wait for the resend of an earlier
     * refused batch. A batch starting at or before the refused seq is that resend; the hole closes
     * when the resend is acknowledged.
     */
    synchronized Optional<Rejection> holeBefore(long firstSeq) {
        if (hole == NO_HOLE || firstSeq <= hole) {
            return Optional.empty();
        }
        return Optional.of(refusedEarlier());
    }

    /** Reserves the next place in the reply order for a batch {@code firstSeq..lastSeq}. */
    synchronized Reply expect(long firstSeq, long lastSeq, boolean json) {
        Reply reply = new Reply(firstSeq, lastSeq, json);
        owed.addLast(reply);
        return reply;
    }

    /** Fills in a reserved reply and sends every reply that is now due, in order. */
    void complete(Reply reply, Optional<Rejection> rejection) {
        synchronized (this) {
            reply.rejection = rejection;
            reply.done = true;
            while (!owed.isEmpty() && owed.peekFirst().done) {
                send(owed.pollFirst());
            }
        }
    }

    /** Sends a protocol reply right now, outside the batch order (errors about the stream). */
    synchronized void sendNow(Downlink downlink, boolean json) {
        write(downlink, json);
    }

    /**
     * Pings the device.
     *
     * @return false when the socket is broken: the peer vanished without a close frame
     */
    boolean ping() {
        try {
            session.ping(BufferData.empty());
            return true;
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "ping failed", e);
            closed();
            return false;
        }
    }

    /** Closes the socket with a code and reason; replies still owed are dropped. */
    synchronized void close(int code, String reason) {
        if (open) {
            open = false;
            owed.clear();
            try {
                session.close(code, closeReason(reason));
            } catch (RuntimeException e) {
                LOG.log(Level.DEBUG, "close failed", e);
            }
        }
    }

    /** The peer has gone: forget what was owed to it. */
    synchronized void closed() {
        open = false;
        owed.clear();
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

    private void send(Reply reply) {
        if (reply.rejection.isEmpty() && hole != NO_HOLE && reply.firstSeq > hole) {
            // Durable, but acking it would cover the refused readings before it.
            reply.rejection = Optional.of(refusedEarlier());
        }
        if (reply.rejection.isPresent()) {
            Rejection r = reply.rejection.get();
            if (r.retryable() && (hole == NO_HOLE || reply.firstSeq < hole)) {
                hole = reply.firstSeq;
            }
            write(Downlinks.error(r, reply.firstSeq), reply.json);
            return;
        }
        if (reply.firstSeq <= hole && hole <= reply.lastSeq) {
            hole = NO_HOLE; // the refused readings are durable now
        }
        lastAck = Math.max(lastAck, reply.lastSeq);
        write(Downlinks.ack(reply.lastSeq), reply.json);
    }

    private Rejection refusedEarlier() {
        return Rejection.exhausted(
                "seq " + hole + " was refused: resend from it before newer readings",
                HOLE_RETRY_AFTER_MS);
    }

    private void write(Downlink downlink, boolean json) {
        if (!open) {
            return;
        }
        try {
            if (json) {
                session.send(Downlinks.toJson(downlink), true);
            } else {
                session.send(BufferData.create(downlink.toByteArray()), true);
            }
        } catch (RuntimeException e) {
            // The socket broke under us; the reader thread will see the close.
            LOG.log(Level.DEBUG, "send to device failed", e);
            open = false;
            owed.clear();
        }
    }

    /** A reply owed for one batch; fields guarded by the connection's lock. */
    static final class Reply {
        private final long firstSeq;
        private final long lastSeq;
        private final boolean json;
        private Optional<Rejection> rejection = Optional.empty();
        private boolean done;

        private Reply(long firstSeq, long lastSeq, boolean json) {
            this.firstSeq = firstSeq;
            this.lastSeq = lastSeq;
            this.json = json;
        }
    }
}

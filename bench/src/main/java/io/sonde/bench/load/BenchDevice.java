package io.sonde.bench.load;

import io.sonde.client.device.DeviceSocket;
import io.sonde.client.device.Frame;
import io.sonde.proto.v1.Downlink;
import io.sonde.proto.v1.ErrorCode;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * A lean benchmark device on the project's {@link DeviceSocket}: binary protobuf frames from an
 * {@link UplinkEncoder}, each reply matched to its batch. The gateway answers every batch exactly
 * once, in the order sent, so replies pair with a FIFO of pending batches.
 *
 * <p>After a rejection the gateway refuses every later batch of the connection until the refused
 * one is resent; a benchmark device does not resend, so it stops sending after its first rejection
 * (counted through {@link Events#rejected}). It holds at most {@link #MAX_PENDING} unanswered
 * batches; past that it aborts its connection.
 *
 * <p>Threading: {@link #send} may be called from any thread (sends go out in call order); events
 * arrive on the HTTP client's threads, one at a time per device, and must not block.
 */
public final class BenchDevice implements DeviceSocket.Listener {

    /** What happens to the batches of a device. */
    public interface Events {
        /** A batch was acknowledged: durable in Kafka. */
        void acked(BenchDevice device, long firstSeq, int readings, long intendedNanos);

        /** A batch was refused; the device sends no more. */
        void rejected(BenchDevice device, int readings, ErrorCode code, String message);

        /** The connection ended; pending batches will get no reply. */
        void closed(BenchDevice device, int status, String reason);
    }

    private record Pending(long firstSeq, long lastSeq, int readings, long intendedNanos) {}

    /**
     * Batches one device holds unanswered at most: well above the gateway's own in-flight limit (64
     * by default, which it enforces with an error the bench counts), so this bound only stops a
     * device whose gateway stopped answering altogether.
     */
    static final int MAX_PENDING = 1_024;

    private final String id;
    private final Events events;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private DeviceSocket socket;
    private long nextSeq = 1;
    private volatile boolean stopped;

    private BenchDevice(String id, Events events) {
        this.id = id;
        this.events = events;
    }

    /** Opens the device's connection with its token in the Authorization header. */
    public static CompletableFuture<BenchDevice> connect(
            HttpClient http, URI ingest, String id, String token, Events events) {
        BenchDevice device = new BenchDevice(id, events);
        return DeviceSocket.to(ingest)
                .http(http)
                .token(token)
                .connect(device)
                .thenApply(s -> {
                    synchronized (device) {
                        device.socket = s;
                    }
                    return device;
                });
    }

    public String id() {
        return id;
    }

    /** False once rejected or closed: no more sends. */
    public boolean usable() {
        return !stopped;
    }

    /** Batches sent and not yet answered. */
    public synchronized int inFlight() {
        return pending.size();
    }

    /**
     * Sends {@code readings} readings with the next seqs, encoded by {@code encoder} at device time
     * {@code timeUnixNano}; {@code intendedNanos} comes back with the ack.
     *
     * @return the first seq of the batch, or -1 when the device no longer sends
     */
    public long send(UplinkEncoder encoder, int readings, long timeUnixNano, long intendedNanos) {
        synchronized (this) {
            if (stopped) {
                return -1;
            }
            if (pending.size() >= MAX_PENDING) {
                // The gateway stopped answering: give up the connection (reported via closed()).
                stopped = true;
                socket.abort();
                return -1;
            }
            long first = nextSeq;
            nextSeq += readings;
            pending.addLast(new Pending(first, nextSeq - 1, readings, intendedNanos));
            // Queued under the lock, so frames leave in the order of the pending FIFO; send()
            // only chains a future and never blocks. A failed send aborts the socket, which
            // reports the loss through closed().
            socket.send(Frame.binary(encoder.batch(first, readings, timeUnixNano)));
            return first;
        }
    }

    /** Closes the connection without waiting for replies. */
    public void abort() {
        DeviceSocket s;
        synchronized (this) {
            stopped = true;
            s = socket;
        }
        if (s != null) {
            s.abort();
        }
    }

    @Override
    public void downlink(DeviceSocket s, Downlink downlink) {
        Pending batch;
        synchronized (this) {
            batch = pending.pollFirst();
        }
        if (batch == null) {
            return;
        }
        switch (downlink.getBodyCase()) {
            case ACK ->
                    events.acked(this, batch.firstSeq(), batch.readings(), batch.intendedNanos());
            case ERROR -> {
                stopped = true;
                events.rejected(
                        this,
                        batch.readings(),
                        downlink.getError().getCode(),
                        downlink.getError().getMessage());
            }
            case BODY_NOT_SET -> stopped = true;
        }
    }

    @Override
    public void unreadable(DeviceSocket s, String problem) {
        stopped = true;
        s.abort();
    }

    @Override
    public void closed(DeviceSocket s, int code, String reason) {
        stopped = true;
        events.closed(this, code, reason);
    }
}

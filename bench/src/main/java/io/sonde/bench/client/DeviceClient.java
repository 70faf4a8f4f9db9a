package io.sonde.bench.client;

import com.google.protobuf.InvalidProtocolBufferException;
import io.sonde.proto.v1.Downlink;
import io.sonde.proto.v1.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A lean device on the ingest WebSocket (SPEC §4), binary protobuf, no compression (the JDK client
 * offers none). It sends batches and matches each reply to its batch: the gateway answers every
 * batch exactly once, in the order sent, so replies pair with a FIFO of pending batches.
 *
 * <p>After a rejection the gateway refuses every later batch of the connection until the refused
 * one is resent; a benchmark device does not resend, so it stops sending after its first rejection
 * (counted through {@link Events#rejected}).
 *
 * <p>Threading: {@link #send} may be called from any thread (sends are serialised in call order);
 * events arrive on the HTTP client's threads, one at a time per device, and must not block.
 */
public final class DeviceClient implements WebSocket.Listener {

    /** What happens to the batches of a device. */
    public interface Events {
        /** A batch was acknowledged: durable in Kafka. */
        void acked(DeviceClient device, long firstSeq, int readings, long intendedNanos);

        /** A batch was refused; the device sends no more. */
        void rejected(DeviceClient device, int readings, ErrorCode code, String message);

        /** The connection ended; pending batches will get no reply. */
        void closed(DeviceClient device, int status, String reason);
    }

    private record Pending(long firstSeq, long lastSeq, int readings, long intendedNanos) {}

    private final String id;
    private final Events events;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private CompletableFuture<WebSocket> sends;
    private long nextSeq = 1;
    private volatile boolean stopped;
    private boolean closeReported;

    private DeviceClient(String id, Events events) {
        this.id = id;
        this.events = events;
    }

    /** Opens the device's connection with its token in the Authorization header. */
    public static CompletableFuture<DeviceClient> connect(
            HttpClient http, URI ingest, String id, String token, Events events) {
        DeviceClient device = new DeviceClient(id, events);
        return http.newWebSocketBuilder()
                .header("Authorization", "Bearer " + token)
                .buildAsync(ingest, device)
                .thenApply(ws -> device);
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
            long first = nextSeq;
            nextSeq += readings;
            pending.addLast(new Pending(first, nextSeq - 1, readings, intendedNanos));
            ByteBuffer frame = ByteBuffer.wrap(encoder.batch(first, readings, timeUnixNano));
            // The JDK allows one outstanding send per WebSocket: chain them.
            sends = sends.thenCompose(ws -> ws.sendBinary(frame, true));
            sends.whenComplete((ws, error) -> {
                if (error != null) {
                    stop(1006, "send failed: " + error);
                }
            });
            return first;
        }
    }

    /** Closes the connection without waiting for replies. */
    public void abort() {
        CompletableFuture<WebSocket> s;
        synchronized (this) {
            stopped = true;
            s = sends;
        }
        if (s != null) {
            s.thenAccept(WebSocket::abort);
        }
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        synchronized (this) {
            sends = CompletableFuture.completedFuture(webSocket);
        }
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] chunk = new byte[data.remaining()];
        data.get(chunk);
        partial.writeBytes(chunk);
        if (last) {
            byte[] message = partial.toByteArray();
            partial.reset();
            try {
                reply(Downlink.parseFrom(message));
            } catch (InvalidProtocolBufferException e) {
                stop(1007, "not a Downlink: " + e.getMessage());
            }
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        stop(statusCode, reason);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        stop(1006, String.valueOf(error));
    }

    private void reply(Downlink downlink) {
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

    private void stop(int status, String reason) {
        synchronized (this) {
            stopped = true;
            if (closeReported) {
                return;
            }
            closeReported = true;
        }
        events.closed(this, status, reason);
    }
}

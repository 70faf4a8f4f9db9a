package io.sonde.simulator;

import io.sonde.client.device.DeviceSocket;
import io.sonde.client.device.Frame;
import io.sonde.proto.v1.Downlink;
import io.sonde.proto.v1.ErrorCode;
import io.sonde.proto.v1.TelemetryBatch;
import io.sonde.proto.v1.TokenRefresh;
import io.sonde.proto.v1.Uplink;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongFunction;

/**
 * One simulated device: its schedule, its queue of unacked batches and its WebSocket connection.
 *
 * <p>Threading: {@link #tick()} runs on a timer thread (never two at once for one device);
 * WebSocket callbacks arrive on the HttpClient's virtual threads. All mutable state is guarded by
 * {@code lock}, which is never held across a send or a token fetch from another device.
 *
 * <p>Delivery: at least once. A batch stays queued until an Ack covers it (acks are cumulative:
 * {@code Ack{seq}} settles every batch whose last seq is {@code <= seq}) or an Error rejects it for
 * good. RESOURCE_EXHAUSTED and UNAVAILABLE pause sending for {@code retry_after_ms}, then resend
 * the batch with the same seqs; after a reconnect every queued batch is sent again, in seq order,
 * and the gateway acknowledges resends without rewriting them.
 */
final class VirtualDevice implements DeviceSocket.Listener {
    private static final System.Logger LOG = System.getLogger(VirtualDevice.class.getName());
    static final int CLOSE_POLICY_VIOLATION = 1008;
    static final int CLOSE_ABNORMAL = DeviceSocket.ABNORMAL_CLOSURE;
    private static final int NORMAL_CLOSURE = 1000;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    // Used when a retryable error carries no retry_after_ms.
    private static final Duration DEFAULT_RETRY_AFTER = Duration.ofMillis(500);

    private final String id;
    private final DeviceRuntime runtime;
    private final LongFunction<BatchSource> sources;
    // Set at the first connection: a device starts its schedule once it is online, so that a
    // slow connection ramp does not count as ack latency. Later outages do count.
    private volatile BatchSource source;
    private final ReentrantLock lock = new ReentrantLock();
    private final UnackedBatches queue;

    // The current connection; callbacks of an earlier, lost one are told apart by identity.
    private DeviceSocket socket;
    private boolean sending;
    private Frame tokenRefresh;
    private int failures;
    private boolean closed;
    private String token;
    private ScheduledFuture<?> reconnectTimer;
    private ScheduledFuture<?> retryTimer;
    private ScheduledFuture<?> refreshTimer;
    // Completes when the connection that close() ended has gone.
    private CompletableFuture<Void> closing = CompletableFuture.completedFuture(null);

    /**
     * @param sources the device's reading source, given the time its schedule starts
     */
    VirtualDevice(String id, DeviceRuntime runtime, LongFunction<BatchSource> sources) {
        this.id = id;
        this.runtime = runtime;
        this.sources = sources;
        this.queue = new UnackedBatches(runtime.options().maxUnackedBatches(), runtime.stats());
    }

    String id() {
        return id;
    }

    /** Opens a connection with the current token, or a fresh one when there is none. */
    void connect() {
        String bearer;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            if (token == null) {
                token = runtime.options().tokens().apply(id);
            }
            bearer = token;
        } catch (RuntimeException e) {
            connectFailed(e);
            return;
        } finally {
            lock.unlock();
        }
        DeviceSocket.to(runtime.options().url())
                .http(runtime.http())
                .token(bearer)
                .format(runtime.options().format())
                .connectTimeout(CONNECT_TIMEOUT)
                .connect(this)
                .whenComplete((ws, error) -> {
                    if (error != null) {
                        connectFailed(error);
                    }
                });
    }

    /** Queues the readings that fell due and sends what the connection allows. */
    void tick() {
        BatchSource batches = source;
        if (batches == null) {
            return;
        }
        for (TelemetryBatch batch : batches.due(runtime.unixNanos())) {
            enqueue(batch);
        }
        pump();
    }

    private void enqueue(TelemetryBatch batch) {
        int count = batch.getReadingsCount();
        PendingBatch queued =
                new PendingBatch(
                        batch.getReadings(0).getSeq(),
                        batch.getReadings(count - 1).getSeq(),
                        count,
                        runtime.options()
                                .format()
                                .encode(Uplink.newBuilder().setBatch(batch).build()),
                        System.nanoTime());
        lock.lock();
        try {
            if (closed) {
                runtime.stats().dropped(count);
                return;
            }
            queue.offer(queued);
        } finally {
            lock.unlock();
        }
    }

    /** Sends the next frame unless one is in flight: the JDK WebSocket allows one at a time. */
    private void pump() {
        DeviceSocket conn;
        Frame frame;
        lock.lock();
        try {
            if (socket == null || sending || closed) {
                return;
            }
            if (tokenRefresh != null) {
                frame = tokenRefresh;
                tokenRefresh = null;
            } else {
                Optional<PendingBatch> batch = queue.nextToSend(System.nanoTime());
                if (batch.isEmpty()) {
                    return;
                }
                frame = batch.get().frame;
            }
            sending = true;
            conn = socket;
        } finally {
            lock.unlock();
        }
        conn.send(frame).whenComplete((w, error) -> sendDone(conn, error));
    }

    private void sendDone(DeviceSocket conn, Throwable error) {
        lock.lock();
        try {
            if (conn != socket) {
                return;
            }
            sending = false;
        } finally {
            lock.unlock();
        }
        if (error != null) {
            // The socket aborts itself on a failed send and reports the loss through closed().
            return;
        } else {
            pump();
        }
    }

    @Override
    public void opened(DeviceSocket conn) {
        lock.lock();
        try {
            if (closed) {
                conn.abort();
                return;
            }
            socket = conn;
            sending = false;
            queue.resendAll();
            runtime.stats().connected();
            if (source != null) {
                runtime.stats().reconnected();
            } else {
                source = sources.apply(runtime.unixNanos());
            }
            scheduleRefresh();
        } finally {
            lock.unlock();
        }
        pump();
    }

    @Override
    public void downlink(DeviceSocket conn, Downlink downlink) {
        switch (downlink.getBodyCase()) {
            case ACK -> acked(downlink.getAck().getSeq());
            case ERROR ->
                    rejected(
                            downlink.getError().getCode(),
                            downlink.getError().getSeq(),
                            Integer.toUnsignedLong(downlink.getError().getRetryAfterMs()),
                            downlink.getError().getMessage());
            case BODY_NOT_SET -> LOG.log(System.Logger.Level.DEBUG, "{0}: empty Downlink", id);
        }
    }

    @Override
    public void unreadable(DeviceSocket conn, String problem) {
        LOG.log(System.Logger.Level.WARNING, "{0}: {1}", id, problem);
    }

    @Override
    public void closed(DeviceSocket conn, int code, String reason) {
        lost(conn, code, reason);
    }

    private void acked(long seq) {
        long now = System.nanoTime();
        lock.lock();
        try {
            failures = 0;
            queue.ack(seq, now);
        } finally {
            lock.unlock();
        }
        runtime.settled();
    }

    private void rejected(ErrorCode code, long seq, long retryAfterMs, String message) {
        runtime.stats().error(code);
        runtime.warnOnce(code.name(), "gateway answered " + code + " (" + message + ")");
        if (code == ErrorCode.RESOURCE_EXHAUSTED || code == ErrorCode.UNAVAILABLE) {
            retryLater(
                    seq, retryAfterMs > 0 ? Duration.ofMillis(retryAfterMs) : DEFAULT_RETRY_AFTER);
            return;
        }
        lock.lock();
        try {
            queue.reject(seq);
        } finally {
            lock.unlock();
        }
        runtime.settled();
    }

    private void retryLater(long seq, Duration retryAfter) {
        lock.lock();
        try {
            queue.retry(seq, System.nanoTime() + retryAfter.toNanos());
            if (!closed) {
                cancel(retryTimer);
                retryTimer = runtime.schedule(this::pump, retryAfter);
            }
        } finally {
            lock.unlock();
        }
    }

    /** The connection ended; reconnect unless the device was closed. */
    private void lost(DeviceSocket conn, int code, String reason) {
        lock.lock();
        try {
            if (conn != socket) {
                return;
            }
            socket = null;
            sending = false;
            tokenRefresh = null;
            cancel(refreshTimer);
            runtime.stats().disconnected();
            if (closed) {
                closing.complete(null);
                return;
            }
            failures++;
            boolean tokenRejected = code == CLOSE_POLICY_VIOLATION;
            if (tokenRejected) {
                token = null;
            }
            Duration delay =
                    tokenRejected && failures == 1
                            ? Duration.ZERO
                            : runtime.backoff().delay(failures, ThreadLocalRandom.current());
            LOG.log(
                    System.Logger.Level.DEBUG,
                    "{0} lost its connection ({1} {2}); reconnecting in {3}",
                    id,
                    code,
                    reason,
                    delay);
            reconnectTimer = runtime.schedule(this::connect, delay);
        } finally {
            lock.unlock();
        }
    }

    private void connectFailed(Throwable error) {
        Throwable cause =
                error instanceof CompletionException && error.getCause() != null
                        ? error.getCause()
                        : error;
        runtime.warnOnce("connect", "cannot connect to " + runtime.options().url() + ": " + cause);
        lock.lock();
        try {
            if (closed) {
                return;
            }
            failures++;
            if (cause instanceof WebSocketHandshakeException handshake
                    && handshake.getResponse().statusCode() == 401) {
                token = null;
            }
            reconnectTimer =
                    runtime.schedule(
                            this::connect,
                            runtime.backoff().delay(failures, ThreadLocalRandom.current()));
        } finally {
            lock.unlock();
        }
    }

    private void scheduleRefresh() {
        cancel(refreshTimer);
        TokenLifetime.refreshDelay(token, Instant.now())
                .ifPresent(delay -> refreshTimer = runtime.schedule(this::refreshToken, delay));
    }

    private void refreshToken() {
        String fresh;
        try {
            fresh = runtime.options().tokens().apply(id);
        } catch (RuntimeException e) {
            // The gateway will close with 1008 at expiry, and the reconnect fetches again.
            runtime.warnOnce("refresh", "cannot fetch a fresh token: " + e);
            return;
        }
        Uplink uplink =
                Uplink.newBuilder()
                        .setTokenRefresh(TokenRefresh.newBuilder().setToken(fresh))
                        .build();
        lock.lock();
        try {
            if (closed || socket == null) {
                return;
            }
            token = fresh;
            tokenRefresh = runtime.options().format().encode(uplink);
            scheduleRefresh();
        } finally {
            lock.unlock();
        }
        pump();
    }

    /**
     * Stops this device: no more reconnects or sends; starts a normal close of its connection.
     *
     * @return completes when the connection is closed, or at once if there is none
     */
    CompletableFuture<Void> close() {
        DeviceSocket conn;
        lock.lock();
        try {
            closed = true;
            cancel(reconnectTimer);
            cancel(retryTimer);
            cancel(refreshTimer);
            conn = socket;
            if (conn != null) {
                closing = new CompletableFuture<>();
            }
        } finally {
            lock.unlock();
        }
        if (conn == null) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> done = closing;
        conn.close(NORMAL_CLOSURE, "simulator stopped");
        return done;
    }

    /** Drops the connection without a close handshake, after {@link #close()} timed out. */
    void abort() {
        DeviceSocket conn;
        lock.lock();
        try {
            conn = socket;
        } finally {
            lock.unlock();
        }
        if (conn != null) {
            conn.abort();
        }
    }

    private static void cancel(ScheduledFuture<?> timer) {
        if (timer != null) {
            timer.cancel(false);
        }
    }
}

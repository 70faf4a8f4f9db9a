package io.sonde.bench.connections;

import io.sonde.bench.BenchException;
import io.sonde.client.device.DeviceSocket;
import io.sonde.proto.v1.Downlink;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Many idle device WebSockets from this JVM, with the JDK's HTTP client (no extensions offered, so
 * no compression). One {@link HttpClient} per source address: each binds its sockets to that
 * address (Java 19+), so the ephemeral ports of one address pair are not the limit. The clients
 * send nothing; the JDK answers the gateway's pings by itself as long as there is demand, which
 * {@link Idle} keeps unbounded.
 *
 * <p>{@link #abortAll()} drops every socket without a close frame, as devices that lose power do.
 */
public final class IdleFleet implements AutoCloseable {
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_FAILURE_KINDS = 5;

    private final List<HttpClient> clients;
    private final Set<DeviceSocket> sockets = ConcurrentHashMap.newKeySet();
    private final Idle idle = new Idle();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger closedByServer = new AtomicInteger();
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();

    private IdleFleet(List<HttpClient> clients) {
        this.clients = clients;
    }

    /** One HTTP client per source address; nothing is connected yet. */
    public static IdleFleet create(List<InetAddress> sourceAddresses) {
        List<HttpClient> clients = new ArrayList<>();
        for (InetAddress address : sourceAddresses) {
            clients.add(
                    HttpClient.newBuilder()
                            .localAddress(address)
                            .connectTimeout(HANDSHAKE_TIMEOUT)
                            .build());
        }
        return new IdleFleet(clients);
    }

    /**
     * Opens {@code count} connections to {@code uri}, at most {@code concurrency} handshakes at a
     * time, spreading them round-robin over the source addresses; returns when every handshake has
     * finished or {@code timeout} has passed. Failures are counted, not thrown.
     */
    public void open(
            URI uri, int count, IntFunction<String> token, int concurrency, Duration timeout) {
        Semaphore inFlight = new Semaphore(concurrency);
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            for (int i = 0; i < count; i++) {
                if (!inFlight.tryAcquire(remaining(deadline), TimeUnit.NANOSECONDS)) {
                    throw new BenchException("opening connections took longer than " + timeout);
                }
                DeviceSocket.to(uri)
                        .http(clients.get(i % clients.size()))
                        .token(token.apply(i))
                        .connectTimeout(HANDSHAKE_TIMEOUT)
                        .connect(idle)
                        .whenComplete((ws, error) -> {
                            if (error == null) {
                                sockets.add(ws);
                            } else {
                                failed.incrementAndGet();
                                noteFailure(error);
                            }
                            inFlight.release();
                        });
            }
            if (!inFlight.tryAcquire(concurrency, remaining(deadline), TimeUnit.NANOSECONDS)) {
                throw new BenchException("handshakes still pending after " + timeout);
            }
            inFlight.release(concurrency);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted while connecting", e);
        }
    }

    /** Connections open now (opened and neither aborted nor closed). */
    public int open() {
        return sockets.size();
    }

    public int failed() {
        return failed.get();
    }

    /** Connections the gateway closed while they were meant to be idle. */
    public int closedByServer() {
        return closedByServer.get();
    }

    /** The first few distinct handshake failures with their counts. */
    public Map<String, Integer> failures() {
        return Map.copyOf(failures);
    }

    /** Drops every connection abruptly: the TCP connection closes, no close frame is sent. */
    public void abortAll() {
        for (DeviceSocket ws : sockets) {
            sockets.remove(ws);
            ws.abort();
        }
    }

    @Override
    public void close() {
        abortAll();
        clients.forEach(HttpClient::shutdownNow);
    }

    private void noteFailure(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        String kind = root.getClass().getSimpleName() + ": " + root.getMessage();
        if (failures.containsKey(kind) || failures.size() < MAX_FAILURE_KINDS) {
            failures.merge(kind, 1, Integer::sum);
        }
    }

    private static long remaining(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }

    /** Sends nothing, reads what comes (so pings are answered), counts server closes. */
    private final class Idle implements DeviceSocket.Listener {
        @Override
        public void downlink(DeviceSocket socket, Downlink downlink) {
            // An idle device has nothing in flight: nothing to do with a reply.
        }

        @Override
        public void closed(DeviceSocket socket, int code, String reason) {
            // An abort (ours, or a broken socket) reports 1006; a close frame is the server's.
            if (sockets.remove(socket) && code != DeviceSocket.ABNORMAL_CLOSURE) {
                closedByServer.incrementAndGet();
            }
        }
    }
}

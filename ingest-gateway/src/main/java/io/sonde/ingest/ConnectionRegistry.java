package io.sonde.ingest;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The live device connections of this gateway and their housekeeping: a ping every {@code
 * pingInterval}, close after {@code idleTimeout} of silence or when the token expires, and the
 * orderly close at shutdown. Connections are removed on close and on error, so a client that
 * vanishes without a close frame is released too.
 *
 * <p>Threads: one scheduler thread walks the set; each socket write runs on a virtual thread, so
 * one stuck socket never delays the others.
 */
final class ConnectionRegistry implements AutoCloseable {
    /** Close code for a silent connection: a normal closure, with a reason. */
    static final int IDLE_CLOSE_CODE = 1000;

    private final Set<DeviceConnection> connections = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService scheduler;
    private final ExecutorService writers;
    private final Duration idleTimeout;

    ConnectionRegistry(IngestConfig config) {
        this.idleTimeout = config.idleTimeout();
        this.writers = Executors.newVirtualThreadPerTaskExecutor();
        this.scheduler =
                Executors.newSingleThreadScheduledExecutor(
                        Thread.ofPlatform().daemon().name("sonde-ingest-heartbeat").factory());
        long period = config.pingInterval().toMillis();
        scheduler.scheduleAtFixedRate(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    void add(DeviceConnection c) {
        connections.add(c);
    }

    void remove(DeviceConnection c) {
        connections.remove(c);
    }

    int size() {
        return connections.size();
    }

    /** Replies owed over all connections: batches received and not yet answered. */
    int owed() {
        return connections.stream().mapToInt(DeviceConnection::owedCount).sum();
    }

    /** Runs {@code task} on a virtual thread: for socket writes that may block. */
    void write(Runnable task) {
        writers.execute(task);
    }

    /**
     * Waits until no connection owes a reply, or {@code grace} has passed, running {@code
     * eachRound} before every check (the gateway flushes its producer there).
     */
    void awaitOwedReplies(Duration grace, Runnable eachRound) throws InterruptedException {
        long deadline = System.nanoTime() + grace.toNanos();
        while (true) {
            eachRound.run();
            if (owed() == 0 || System.nanoTime() >= deadline) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(20); // polling a shutdown condition, bounded by grace
        }
    }

    /** Closes every connection with {@code code}. */
    void closeAll(int code, String reason) {
        for (DeviceConnection c : connections) {
            c.close(code, reason);
            connections.remove(c);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        writers.shutdown();
    }

    private void sweep() {
        Instant now = Instant.now();
        for (DeviceConnection c : connections) {
            if (c.silentNanos() > idleTimeout.toNanos()) {
                connections.remove(c);
                writers.execute(() ->
                        c.close(IDLE_CLOSE_CODE, "idle for " + idleTimeout.toSeconds() + " s"));
            } else if (now.isAfter(c.tokenExpiry())) {
                connections.remove(c);
                writers.execute(() -> c.close(IngestEndpoint.POLICY_VIOLATION, "token expired"));
            } else {
                writers.execute(() -> {
                    if (!c.ping()) {
                        connections.remove(c);
                    }
                });
            }
        }
    }
}

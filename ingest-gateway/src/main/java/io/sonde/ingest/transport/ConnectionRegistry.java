package io.sonde.ingest.transport;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.sonde.ingest.config.IngestConfig;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The live device connections of this gateway and their housekeeping: a ping every {@code
 * pingInterval}, close after {@code idleTimeout} of silence or when the token expires, the orderly
 * close at shutdown, and two watchdogs: a socket write blocked longer than {@code writeTimeout} is
 * aborted (the device stopped reading), and a connection the gateway closed is ended when the
 * device has not answered the close frame within {@code closeLinger}. Connections are removed on
 * close and on error, so a client that vanishes without a close frame is released too.
 *
 * <p>Threads: one scheduler thread walks the set; each socket write runs on a virtual thread, so
 * one stuck socket never delays the others.
 */
public final class ConnectionRegistry implements AutoCloseable {
    /** Close code for a silent connection: a normal closure, with a reason. */
    static final int IDLE_CLOSE_CODE = 1000;

    private static final Duration MIN_CHECK_PERIOD = Duration.ofMillis(10);
    private static final Duration MAX_CHECK_PERIOD = Duration.ofSeconds(1);

    private final Set<DeviceConnection> connections = ConcurrentHashMap.newKeySet();
    // Connections per source address, for the optional cap; at most one entry per connection.
    private final Map<InetAddress, Integer> perSource = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler;
    private final ExecutorService writers;
    private final Duration idleTimeout;
    private final long writeTimeoutNanos;
    private final long closeLingerNanos;

    public ConnectionRegistry(IngestConfig config) {
        this.idleTimeout = config.idleTimeout();
        this.writeTimeoutNanos = config.writeTimeout().toNanos();
        this.closeLingerNanos = config.closeLinger().toNanos();
        this.writers = Executors.newVirtualThreadPerTaskExecutor();
        this.scheduler =
                Executors.newSingleThreadScheduledExecutor(
                        Thread.ofPlatform().daemon().name("sonde-ingest-heartbeat").factory());
        long period = config.pingInterval().toMillis();
        scheduler.scheduleAtFixedRate(this::sweep, period, period, TimeUnit.MILLISECONDS);
        long check = checkPeriod(config).toMillis();
        scheduler.scheduleAtFixedRate(
                () -> watch(System.nanoTime()), check, check, TimeUnit.MILLISECONDS);
    }

    // A quarter of the shorter of write timeout and linger, within 10 ms..1 s: a stuck write or a
    // lingering close ends at most a quarter late.
    static Duration checkPeriod(IngestConfig config) {
        Duration shorter =
                config.writeTimeout().compareTo(config.closeLinger()) < 0
                        ? config.writeTimeout()
                        : config.closeLinger();
        Duration quarter = shorter.dividedBy(4);
        if (quarter.compareTo(MIN_CHECK_PERIOD) < 0) {
            return MIN_CHECK_PERIOD;
        }
        return quarter.compareTo(MAX_CHECK_PERIOD) > 0 ? MAX_CHECK_PERIOD : quarter;
    }

    /**
     * Takes a connection from {@code address}, unless that address already holds {@code perAddress}
     * of them (0: no cap).
     *
     * @return false when refused at the cap
     */
    boolean add(DeviceConnection c, InetAddress address, int perAddress) {
        int[] refused = {0};
        perSource.compute(
                address,
                (a, n) -> {
                    int now = n == null ? 0 : n;
                    if (perAddress > 0 && now >= perAddress) {
                        refused[0] = 1;
                        return n;
                    }
                    return now + 1;
                });
        if (refused[0] == 1) {
            return false;
        }
        c.countedAt(address);
        connections.add(c);
        return true;
    }

    /** Takes a connection that is being closed at once, for the close watchdog alone. */
    void addClosing(DeviceConnection c) {
        connections.add(c);
    }

    void remove(DeviceConnection c) {
        if (connections.remove(c)) {
            // Entries of addresses with no connection left go: the map follows the fleet.
            c.countedAddress()
                    .ifPresent(a -> perSource.computeIfPresent(a, (k, n) -> n <= 1 ? null : n - 1));
        }
    }

    /** Registers the gauges of open, closing and in-flight connections on {@code meters}. */
    public void registerMeters(MeterRegistry meters) {
        Gauge.builder("sonde.ingest.connections.closing", this, ConnectionRegistry::closing)
                .description("Connections the gateway closed, waiting for the device's close")
                .strongReference(true)
                .register(meters);
        // Strong references: Micrometer holds gauge targets weakly; without them a collected
        // target would make the gauge read NaN.
        Gauge.builder("sonde.ingest.connections", this, ConnectionRegistry::size)
                .description("Open device WebSocket connections")
                .strongReference(true)
                .register(meters);
        Gauge.builder("sonde.ingest.batches.inflight", this, ConnectionRegistry::owed)
                .description("WebSocket batches received and not yet answered")
                .strongReference(true)
                .register(meters);
    }

    public int size() {
        return connections.size();
    }

    /** Connections the gateway closed that wait for the device's close frame (the linger). */
    int closing() {
        return (int) connections.stream().filter(c -> !c.isOpen()).count();
    }

    /** Replies owed over all connections: batches received and not yet answered. */
    int owed() {
        return connections.stream().mapToInt(DeviceConnection::owed).sum();
    }

    /** Runs {@code task} on a virtual thread: for socket writes that may block. */
    void write(Runnable task) {
        writers.execute(task);
    }

    /**
     * Waits until no connection owes a reply, or {@code grace} has passed, running {@code
     * eachRound} before every check (the gateway flushes its producer there).
     */
    public void awaitOwedReplies(Duration grace, Runnable eachRound) throws InterruptedException {
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
    public void closeAll(int code, String reason) {
        for (DeviceConnection c : connections) {
            c.close(code, reason);
        }
    }

    /**
     * One round of the watchdogs as at {@code now}: aborts writes blocked longer than the write
     * timeout and connections whose close frame went unanswered longer than the linger.
     */
    void watch(long now) {
        for (DeviceConnection c : connections) {
            if (c.abortIfStuck(now, writeTimeoutNanos) || c.lingeredPast(now, closeLingerNanos)) {
                c.abort();
                remove(c);
            }
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
            if (!c.isOpen()) {
                continue; // closed by the gateway: the close watchdog ends it
            }
            if (c.silentNanos() > idleTimeout.toNanos()) {
                writers.execute(() ->
                        c.close(IDLE_CLOSE_CODE, "idle for " + idleTimeout.toSeconds() + " s"));
            } else if (now.isAfter(c.tokenExpiry())) {
                writers.execute(() -> c.close(IngestEndpoint.POLICY_VIOLATION, "token expired"));
            } else {
                writers.execute(() -> {
                    if (!c.ping()) {
                        remove(c);
                    }
                });
            }
        }
    }
}

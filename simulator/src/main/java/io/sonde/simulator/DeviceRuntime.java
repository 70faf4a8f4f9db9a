package io.sonde.simulator;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * What all devices of one simulation share: options, the one HttpClient, the timer threads, the
 * counters and one clock. Thread-safe.
 */
final class DeviceRuntime {
    private static final System.Logger LOG = System.getLogger(DeviceRuntime.class.getName());

    private final SimulatorConfig options;
    private final HttpClient http;
    private final ScheduledExecutorService scheduler;
    private final SimulationStats stats;
    private final Backoff backoff;
    private final Runnable settled;
    private final long startUnixNanos;
    private final long startNanos;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    DeviceRuntime(
            SimulatorConfig options,
            HttpClient http,
            ScheduledExecutorService scheduler,
            SimulationStats stats,
            Runnable settled,
            long startUnixNanos) {
        this.options = options;
        this.http = http;
        this.scheduler = scheduler;
        this.stats = stats;
        this.settled = settled;
        this.backoff = new Backoff(options.reconnectMin(), options.reconnectMax());
        this.startUnixNanos = startUnixNanos;
        this.startNanos = System.nanoTime();
    }

    SimulatorConfig options() {
        return options;
    }

    HttpClient http() {
        return http;
    }

    SimulationStats stats() {
        return stats;
    }

    Backoff backoff() {
        return backoff;
    }

    /** Wall-clock time that never jumps back while the simulation runs. */
    long unixNanos() {
        return startUnixNanos + (System.nanoTime() - startNanos);
    }

    /** Runs {@code task} after {@code delay} on a timer thread; the task must not block. */
    ScheduledFuture<?> schedule(Runnable task, Duration delay) {
        return scheduler.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** A batch left a device's queue (acked or rejected for good). */
    void settled() {
        settled.run();
    }

    /** Logs {@code message} once per {@code key} per simulation: 10,000 devices, one line. */
    void warnOnce(String key, String message) {
        if (warned.add(key)) {
            LOG.log(System.Logger.Level.WARNING, message);
        }
    }
}

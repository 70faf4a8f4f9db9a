package io.sonde.simulator;

import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Virtual devices and load generator (docs/operations.md): N devices, one WebSocket each over one
 * shared {@link HttpClient}, each sending its readings on a fixed schedule from its first
 * connection on (open loop: a slow or absent gateway does not slow the schedule, it grows the
 * device queues, and what a full queue cannot take is counted as dropped).
 *
 * <pre>{@code
 * try (Simulator simulator = Simulator.start(options)) {
 *     simulator.awaitCompletion(Duration.ofMinutes(2));   // with a duration set
 *     System.out.print(simulator.stop().summary());
 * }
 * }</pre>
 *
 * <p>Threading: all methods are thread-safe. Devices tick on two timer threads; WebSocket callbacks
 * run on virtual threads. No thread is left running after {@link #stop()}.
 */
public final class Simulator implements AutoCloseable {
    private static final int TIMER_THREADS = 2;
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final SimulatorConfig options;
    private final SimulationStats stats = new SimulationStats();
    private final List<VirtualDevice> devices = new ArrayList<>();
    private final List<ScheduledFuture<?>> tasks = new ArrayList<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private final CompletableFuture<SimulationReport> stopped = new CompletableFuture<>();
    private volatile boolean draining;
    private volatile long startNanos;
    private volatile long generationEndNanos;
    private ScheduledExecutorService scheduler;
    private ExecutorService callbacks;
    private HttpClient http;

    public Simulator(SimulatorConfig options) {
        this.options = options;
    }

    /** Creates a simulator and starts it. */
    public static Simulator start(SimulatorConfig options) {
        return new Simulator(options).start();
    }

    /**
     * Connects every device and starts the schedules; returns at once (connections are made in the
     * background, spread over one batch interval).
     *
     * @throws SimulatorException if called twice
     */
    public Simulator start() {
        if (!started.compareAndSet(false, true)) {
            throw new SimulatorException("simulator already started");
        }
        startThreads();
        Instant now = Instant.now();
        long startUnixNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        // Seq starts at epoch microseconds: the next run starts above this run's last seq
        // as long as a device sends fewer than a million readings a second.
        long firstSeq = startUnixNanos / 1_000;
        DeviceRuntime runtime =
                new DeviceRuntime(options, http, scheduler, stats, this::settled, startUnixNanos);
        startNanos = System.nanoTime();
        long intervalNanos = options.batchInterval().toNanos();
        for (int i = 1; i <= options.devices(); i++) {
            String id = options.deviceId(i);
            // Devices are spread over one interval so that they do not all send at once.
            long offset = intervalNanos * (i - 1) / options.devices();
            VirtualDevice device =
                    new VirtualDevice(id, runtime, start -> source(id, start, firstSeq));
            devices.add(device);
            tasks.add(scheduler.schedule(device::connect, offset, TimeUnit.NANOSECONDS));
            tasks.add(
                    scheduler.scheduleAtFixedRate(
                            device::tick, offset, intervalNanos, TimeUnit.NANOSECONDS));
        }
        scheduleStopAndProgress();
        return this;
    }

    private void scheduleStopAndProgress() {
        if (!options.duration().isZero()) {
            // stop() waits for acks and shuts the timers down: not a job for a timer thread.
            scheduler.schedule(
                    () -> Thread.ofVirtual().name("sonde-sim-stop").start(this::stop),
                    options.duration().toNanos(),
                    TimeUnit.NANOSECONDS);
        }
        if (!options.progressInterval().isZero()) {
            long every = options.progressInterval().toNanos();
            tasks.add(
                    scheduler.scheduleAtFixedRate(
                            this::printProgress, every, every, TimeUnit.NANOSECONDS));
        }
    }

    private void startThreads() {
        scheduler =
                Executors.newScheduledThreadPool(
                        TIMER_THREADS,
                        Thread.ofPlatform().daemon().name("sonde-sim-timer-", 0).factory());
        callbacks =
                Executors.newThreadPerTaskExecutor(
                        Thread.ofVirtual().name("sonde-sim-ws-", 0).factory());
        http = HttpClient.newBuilder().executor(callbacks).build();
    }

    private void printProgress() {
        options.progress()
                .printf(
                        Locale.ROOT,
                        "%s (last %d s: p99 %.1f ms)%n",
                        report().progressLine(),
                        options.progressInterval().toSeconds(),
                        stats.recentP99Millis());
    }

    private BatchSource source(String id, long startUnixNanos, long firstSeq) {
        return new BatchSource(
                new ReadingSchedule(options.rate(), startUnixNanos, firstSeq),
                new DeviceSignals(id, options.dayLength()),
                options.traceRatio(),
                new SplittableRandom());
    }

    /** What the simulation did so far; the final numbers once {@link #stop()} returned. */
    public SimulationReport report() {
        if (startNanos == 0) {
            return stats.report(options.devices(), Duration.ZERO);
        }
        long end = generationEndNanos != 0 ? generationEndNanos : System.nanoTime();
        return stats.report(options.devices(), Duration.ofNanos(end - startNanos));
    }

    /**
     * Waits until the simulation has stopped: after its duration, or when another thread called
     * {@link #stop()}.
     *
     * @return the final report, or empty if {@code timeout} passed first
     */
    public Optional<SimulationReport> awaitCompletion(Duration timeout)
            throws InterruptedException {
        try {
            return Optional.of(stopped.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (ExecutionException e) {
            throw new SimulatorException("simulator failed to stop", e.getCause());
        }
    }

    /**
     * Stops generating readings, waits up to the drain timeout for outstanding acks, closes every
     * connection (normal closure, abort after 5 s) and releases all threads. Idempotent; a second
     * caller waits for the first.
     *
     * @return the final report
     */
    public SimulationReport stop() {
        if (!started.get()) {
            return report();
        }
        if (!stopping.compareAndSet(false, true)) {
            return stopped.join();
        }
        try {
            tasks.forEach(task -> task.cancel(false));
            generationEndNanos = System.nanoTime();
            drain();
            closeDevices();
            shutdown();
        } finally {
            stopped.complete(report());
        }
        return stopped.join();
    }

    @Override
    public void close() {
        stop();
    }

    private void drain() {
        draining = true;
        settled();
        try {
            drained.get(options.drainTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            // Whatever is still unacked shows in the report as sent but not acked.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new SimulatorException("drain failed", e.getCause());
        }
    }

    private void settled() {
        if (draining && stats.unackedBatches() == 0) {
            drained.complete(null);
        }
    }

    private void closeDevices() {
        List<CompletableFuture<Void>> closing = devices.stream().map(VirtualDevice::close).toList();
        try {
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new))
                    .get(CLOSE_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // Fall through: abort what did not close in time.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        devices.forEach(VirtualDevice::abort);
    }

    private void shutdown() {
        scheduler.shutdownNow();
        http.shutdownNow();
        callbacks.shutdownNow();
        try {
            scheduler.awaitTermination(CLOSE_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
            http.awaitTermination(CLOSE_TIMEOUT);
            callbacks.awaitTermination(CLOSE_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

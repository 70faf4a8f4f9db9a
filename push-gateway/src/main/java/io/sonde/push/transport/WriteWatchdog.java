package io.sonde.push.transport;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Drops connections whose writes stay blocked too long. A client that stops reading but keeps its
 * socket open would otherwise hold a handler thread forever: its session closes as slow (so memory
 * stays bounded), but the write in progress never returns, since sockets have no write timeout.
 * Interrupting a virtual thread blocked in socket I/O closes that socket, which ends the handler
 * and releases the session.
 *
 * <p>It is also the writers' alarm clock: a writer waits for events without a timeout and names the
 * time by which it must next act ({@link Guard#wakeBy}: its heartbeat, its token's expiry); the
 * watchdog runs the writer's wake action in the last period before that time. One shared timer
 * costs nothing per event, where a timed wait per writer costs a timer operation on every wake-up.
 *
 * <p>Threading: one daemon thread checks every guard once per period (a quarter of the heartbeat,
 * at most {@link #MAX_PERIOD}), so a wake-up comes up to one period early, never late.
 */
final class WriteWatchdog implements AutoCloseable {
    static final Duration MAX_PERIOD = Duration.ofMillis(250);
    private static final Duration MIN_PERIOD = Duration.ofMillis(10);

    private final long timeoutNanos;
    private final long periodNanos;
    private final Set<Guard> guards = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer;

    WriteWatchdog(Duration timeout, Duration heartbeat) {
        this.timeoutNanos = timeout.toNanos();
        this.timer =
                Executors.newSingleThreadScheduledExecutor(
                        Thread.ofPlatform().name("sonde-push-write-watchdog").daemon().factory());
        this.periodNanos = period(heartbeat).toNanos();
        long period = period(heartbeat).toMillis();
        timer.scheduleAtFixedRate(this::check, period, period, TimeUnit.MILLISECONDS);
    }

    static Duration period(Duration heartbeat) {
        Duration quarter = heartbeat.dividedBy(4);
        if (quarter.compareTo(MIN_PERIOD) < 0) {
            return MIN_PERIOD;
        }
        return quarter.compareTo(MAX_PERIOD) > 0 ? MAX_PERIOD : quarter;
    }

    /**
     * A guard for writes made by the calling thread, whose {@code wake} runs (on the watchdog's
     * thread; it must not block) by the time set with {@link Guard#wakeBy}. {@link Guard#close()}
     * it when done.
     */
    Guard guard(Runnable wake) {
        Guard guard = new Guard(Thread.currentThread(), wake);
        guards.add(guard);
        return guard;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    private void check() {
        check(System.nanoTime());
    }

    /** One round of the watchdog's checks as at {@code now}; its thread calls it every period. */
    void check(long now) {
        for (Guard guard : guards) {
            guard.interruptIfStuck(now, timeoutNanos);
            guard.wakeIfDue(now);
        }
    }

    /** Marks the span of each blocking write of one thread, and when that thread must next act. */
    final class Guard implements AutoCloseable {
        private final Thread writer;
        private final Runnable wake;
        private final ReentrantLock lock = new ReentrantLock();
        private long since;
        private boolean fired;
        // System.nanoTime() from which wake runs; 0 = none due. Set by the writer after each
        // batch, so an atomic, not the lock: a lock here would cost every write.
        private final AtomicLong wakeAt = new AtomicLong();

        private Guard(Thread writer, Runnable wake) {
            this.writer = writer;
            this.wake = wake;
        }

        /**
         * Asks for one wake-up by the time {@code System.nanoTime()} reaches {@code deadline}, at
         * most one period before it; replaces the time asked for before.
         */
        void wakeBy(long deadline) {
            long at = deadline - periodNanos;
            wakeAt.set(at == 0 ? 1 : at);
        }

        /** Call before a write that may block. */
        void begin() {
            lock.lock();
            try {
                since = System.nanoTime();
            } finally {
                lock.unlock();
            }
        }

        /**
         * Call after the write returned.
         *
         * @return false when the watchdog fired meanwhile: the connection is to be dropped
         */
        boolean end() {
            lock.lock();
            try {
                since = 0;
                if (fired) {
                    // The interrupt may have landed just after the write returned: consume it so
                    // that it never leaks into whatever this thread does next.
                    Thread.interrupted();
                    return false;
                }
                return true;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() {
            guards.remove(this);
            lock.lock();
            try {
                since = 0;
                if (fired) {
                    Thread.interrupted();
                }
            } finally {
                lock.unlock();
            }
        }

        private void wakeIfDue(long now) {
            long at = wakeAt.get();
            if (at != 0 && now - at >= 0 && wakeAt.compareAndSet(at, 0)) {
                wake.run();
            }
        }

        private void interruptIfStuck(long now, long timeout) {
            lock.lock();
            try {
                if (since != 0 && !fired && now - since > timeout) {
                    fired = true;
                    writer.interrupt();
                }
            } finally {
                lock.unlock();
            }
        }
    }
}

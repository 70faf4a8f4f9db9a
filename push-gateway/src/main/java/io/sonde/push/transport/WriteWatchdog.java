package io.sonde.push.transport;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Drops connections whose writes stay blocked too long. A client that stops reading but keeps its
 * socket open would otherwise hold a handler thread forever: its session closes as slow (so memory
 * stays bounded), but the write in progress never returns, since sockets have no write timeout.
 * Interrupting a virtual thread blocked in socket I/O closes that socket, which ends the handler
 * and releases the session.
 *
 * <p>Threading: one daemon thread checks every guarded write once per {@link #CHECK_PERIOD}.
 */
final class WriteWatchdog implements AutoCloseable {
    static final Duration CHECK_PERIOD = Duration.ofMillis(250);

    private final long timeoutNanos;
    private final Set<Guard> guards = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer;

    WriteWatchdog(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
        this.timer =
                Executors.newSingleThreadScheduledExecutor(
                        Thread.ofPlatform().name("sonde-push-write-watchdog").daemon().factory());
        long period = CHECK_PERIOD.toMillis();
        timer.scheduleAtFixedRate(this::check, period, period, TimeUnit.MILLISECONDS);
    }

    /** A guard for writes made by the calling thread; {@link Guard#close()} it when done. */
    Guard guard() {
        Guard guard = new Guard(Thread.currentThread());
        guards.add(guard);
        return guard;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    private void check() {
        long now = System.nanoTime();
        for (Guard guard : guards) {
            guard.interruptIfStuck(now, timeoutNanos);
        }
    }

    /** Marks the span of each blocking write of one thread. */
    final class Guard implements AutoCloseable {
        private final Thread writer;
        private final ReentrantLock lock = new ReentrantLock();
        private long since;
        private boolean fired;

        private Guard(Thread writer) {
            this.writer = writer;
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

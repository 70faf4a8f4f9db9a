package io.sonde.stream.processor;

/**
 * The time of one task's input, for what must happen when devices go quiet (windows that close,
 * devices that go offline, absence alerts). It follows the gateways' receive times of the readings
 * processed, moved on by the wall clock only while the task has nothing to process: a task working
 * through a backlog after a restart sees the backlog's time, not the wall clock, so it never closes
 * a window whose readings it has not read yet.
 *
 * <p>Not thread-safe: used on the task's stream thread only.
 */
final class TaskClock {
    /**
     * How long a task that has processed nothing since it started waits before trusting the wall
     * clock.
     */
    static final long IDLE_START_MS = 5_000;

    private final long startWallMs;
    private long maxReceivedMs = Long.MIN_VALUE;
    private long lastProcessedWallMs;

    TaskClock(long startWallMs) {
        this.startWallMs = startWallMs;
    }

    /** A reading received (by a gateway) at {@code receivedMs} was processed at {@code wallMs}. */
    void processed(long receivedMs, long wallMs) {
        maxReceivedMs = Math.max(maxReceivedMs, receivedMs);
        lastProcessedWallMs = wallMs;
    }

    /**
     * The task's time at wall time {@code wallMs}, or {@link Long#MIN_VALUE} while unknown (just
     * started, nothing processed, not yet idle long enough to be sure there is no backlog).
     */
    long now(long wallMs) {
        if (maxReceivedMs == Long.MIN_VALUE) {
            return wallMs - startWallMs >= IDLE_START_MS ? wallMs : Long.MIN_VALUE;
        }
        return maxReceivedMs + Math.max(0, wallMs - lastProcessedWallMs);
    }
}

package io.sonde.platform.service;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The stop steps of one service, run last-registered first. Each step runs on its own thread and is
 * given its timeout; one that overruns or throws is reported and the next step runs anyway, so one
 * stuck part cannot keep the rest of the service (or the JVM) from stopping.
 *
 * <p>Not thread-safe: owned by the builder, then by the service, which runs it once.
 */
final class StopSequence {
    /** What a stop step does; may throw, which is logged. */
    @FunctionalInterface
    interface Step {
        void stop() throws Exception;
    }

    private record Entry(String part, Duration timeout, Step step) {}

    private static final System.Logger LOG = System.getLogger(StopSequence.class.getName());

    private final String service;
    // One entry per part the service started (a handful, fixed when the service is built).
    private final Deque<Entry> entries = new ArrayDeque<>();

    StopSequence(String service) {
        this.service = service;
    }

    void push(String part, Duration timeout, Step step) {
        entries.push(new Entry(part, timeout, step));
    }

    /** Runs every step, newest first, and forgets them. */
    void run() {
        while (!entries.isEmpty()) {
            Entry entry = entries.pop();
            Thread thread =
                    Thread.ofPlatform()
                            .daemon()
                            .name("sonde-stop-" + service + "-" + entry.part())
                            .start(() -> runStep(entry));
            try {
                thread.join(entry.timeout());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                LOG.log(
                        Level.WARNING,
                        "{0}: stopping {1} took longer than {2}; going on without it",
                        service,
                        entry.part(),
                        entry.timeout());
            }
        }
    }

    private void runStep(Entry entry) {
        try {
            entry.step().stop();
        } catch (Exception e) {
            LOG.log(Level.WARNING, service + ": stopping " + entry.part() + " failed", e);
        }
    }
}
